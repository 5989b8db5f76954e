import type { ExecContext } from "../../../context.ts";
import { unstake } from "../keeper.ts";
import { MsgLstUnstake, validateLstAmount, type MsgAmountValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

/** lst/unstake: burns ststra for a withdrawal request worth amount × min(rate, last epoch's rate). */
export function processLstUnstake(ctx: ExecContext, user: Uint8Array, m: MsgAmountValue): void {
  unstake(ctx, user, m.amount);
}

export const unstakeMsg = msgDef({
  schema: MsgLstUnstake,
  gas: 80_000n,
  validateBasic: validateLstAmount,
  execute: processLstUnstake,
});
