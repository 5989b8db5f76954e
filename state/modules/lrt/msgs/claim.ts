import { msgDef } from "../../../module.ts";
import { claim } from "../keeper.ts";
import { MsgClaimId, validateClaimId } from "../schemas.ts";

/** lrt/claim {requestId}: pays a matured restaking withdrawal, once, to its owner. */
export const claimMsg = msgDef({
  schema: MsgClaimId,
  gas: 50_000n,
  validateBasic: validateClaimId,
  execute: (ctx, signer, m) => void claim(ctx, signer, m.requestId),
});
