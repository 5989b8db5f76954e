import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint128, Uint64Num, Uint8 } from "../../encoding/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { validateAmount } from "../bank/schemas.ts";

export const MsgLstStake = new ContainerType({ amount: Uint128 }, { typeName: "MsgLstStake" });
export const MsgLstUnstake = new ContainerType({ amount: Uint128 }, { typeName: "MsgLstUnstake" });
export const MsgLstClaim = new ContainerType({ requestId: Uint64Num }, { typeName: "MsgLstClaim" });
export const MsgLstResume = new ContainerType({ reserved: Uint8 }, { typeName: "MsgLstResume" });
export type MsgAmountValue = ValueOf<typeof MsgLstStake>;
export type MsgLstClaimValue = ValueOf<typeof MsgLstClaim>;

export function validateLstAmount(m: MsgAmountValue): void {
  validateAmount(m.amount);
}
export function validateClaim(m: MsgLstClaimValue): void {
  if (m.requestId < 1) throw new StrataError(ErrorCode.UnknownRequest, "requestId must be ≥ 1");
}
