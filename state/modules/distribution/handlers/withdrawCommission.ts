import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20 } from "../../../encoding/types.ts";
import type { ExecContext } from "../../../context.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { withdrawCommission } from "../keeper.ts";

export const MsgWithdrawCommission = new ContainerType({ validator: Bytes20 }, { typeName: "MsgWithdrawCommission" });
export type MsgWithdrawCommissionValue = ValueOf<typeof MsgWithdrawCommission>;

/** distribution/withdraw_commission: the operator takes its accumulated commission. */
export function processWithdrawCommission(ctx: ExecContext, signer: Uint8Array, m: MsgWithdrawCommissionValue): void {
  if (Buffer.compare(signer, m.validator) !== 0) throw new StrataError(ErrorCode.NotValidatorOperator, "only the validator's operator can withdraw its commission");
  withdrawCommission(ctx, signer);
}
