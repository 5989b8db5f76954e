import type { ExecContext } from "../../../context.ts";
import { claim } from "../keeper.ts";
import { MsgLstClaim, validateClaim, type MsgLstClaimValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

/** lst/claim: pays a matured withdrawal request in stra, once. */
export function processLstClaim(ctx: ExecContext, user: Uint8Array, m: MsgLstClaimValue): void {
  claim(ctx, user, m.requestId);
}

export const claimMsg = msgDef({
  schema: MsgLstClaim,
  gas: 50_000n,
  validateBasic: validateClaim,
  execute: processLstClaim,
});
