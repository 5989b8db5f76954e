// lrt's message codecs (the client imports these).
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint128, Uint64Num } from "../../encoding/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";

export const MsgAmount = new ContainerType({ amount: Uint128 }, { typeName: "MsgLrtAmount" });
export const MsgClaimId = new ContainerType({ requestId: Uint64Num }, { typeName: "MsgLrtClaim" });
export type MsgAmountValue = ValueOf<typeof MsgAmount>;
export type MsgClaimIdValue = ValueOf<typeof MsgClaimId>;

export function validateClaimId(m: MsgClaimIdValue): void {
  if (m.requestId < 1) throw new StrataError(ErrorCode.UnknownRequest, "requestId must be ≥ 1");
}
