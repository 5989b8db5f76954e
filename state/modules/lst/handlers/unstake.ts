import type { ExecContext } from "../../../context.ts";
import { unstake } from "../keeper.ts";
import type { MsgAmountValue } from "../msgs.ts";

/** lst/unstake: burns ststra for a withdrawal request worth amount × min(rate, last epoch's rate). */
export function processLstUnstake(ctx: ExecContext, user: Uint8Array, m: MsgAmountValue): void {
  unstake(ctx, user, m.amount);
}
