import { msgDef } from "../../../module.ts";
import { optIn } from "../service.ts";
import { MsgService, text } from "../schemas.ts";

/** strategy/opt_in {service}: an active validator's operator starts serving a service. */
export const optInMsg = msgDef({
  schema: MsgService,
  gas: 60_000n,
  validateBasic: () => {},
  execute: (ctx, signer, m) => optIn(ctx, signer, text(m.service)),
});
