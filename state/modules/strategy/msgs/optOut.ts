import { msgDef } from "../../../module.ts";
import { optOut } from "../service.ts";
import { MsgService, text } from "../schemas.ts";

/** strategy/opt_out {service}: the operator stops serving; its allocation comes back at the next LRT epoch. */
export const optOutMsg = msgDef({
  schema: MsgService,
  gas: 60_000n,
  validateBasic: () => {},
  execute: (ctx, signer, m) => optOut(ctx, signer, text(m.service)),
});
