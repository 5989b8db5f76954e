import type { ExecContext } from "../../../context.ts";
import { stake } from "../keeper.ts";
import type { MsgAmountValue } from "../msgs.ts";

/** lst/stake: pools `amount` stra across the active validators and mints ststra at the rate (rounded down). */
export function processLstStake(ctx: ExecContext, user: Uint8Array, m: MsgAmountValue): void {
  stake(ctx, user, m.amount);
}
