import type { ExecContext } from "../../../context.ts";
import { claim } from "../keeper.ts";
import type { MsgLstClaimValue } from "../msgs.ts";

/** lst/claim: pays a matured withdrawal request in stra, once. */
export function processLstClaim(ctx: ExecContext, user: Uint8Array, m: MsgLstClaimValue): void {
  claim(ctx, user, m.requestId);
}
