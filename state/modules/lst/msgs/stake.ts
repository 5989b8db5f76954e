import type { ExecContext } from "../../../context.ts";
import { stake } from "../keeper.ts";
import { MsgLstStake, validateLstAmount, type MsgAmountValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

/** lst/stake: pools `amount` stra across the active validators and mints ststra at the rate (rounded down). */
export function processLstStake(ctx: ExecContext, user: Uint8Array, m: MsgAmountValue): void {
  stake(ctx, user, m.amount);
}

export const stakeMsg = msgDef({
  schema: MsgLstStake,
  gas: 150_000n,
  validateBasic: validateLstAmount,
  execute: processLstStake,
});
