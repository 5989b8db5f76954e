import { msgDef } from "../../../module.ts";
import { MsgWithdrawCommission, type MsgWithdrawCommissionValue } from "../schemas.ts";
import type { ExecContext } from "../../../context.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { withdrawCommission } from "../keeper.ts";

/** distribution/withdraw_commission: the operator takes its accumulated commission. */
export function processWithdrawCommission(ctx: ExecContext, signer: Uint8Array, m: MsgWithdrawCommissionValue): void {
  if (Buffer.compare(signer, m.validator) !== 0)
    throw new StrataError(ErrorCode.NotValidatorOperator, "only the validator's operator can withdraw its commission");
  withdrawCommission(ctx, signer);
}

export const withdrawCommissionMsg = msgDef({
  schema: MsgWithdrawCommission,
  gas: 40_000n,
  validateBasic: () => {},
  execute: processWithdrawCommission,
});
