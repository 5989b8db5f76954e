// distribution's message codecs (the client imports these).
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20 } from "../../encoding/types.ts";

export const MsgWithdrawRewards = new ContainerType({ validator: Bytes20 }, { typeName: "MsgWithdrawRewards" });
export type MsgWithdrawRewardsValue = ValueOf<typeof MsgWithdrawRewards>;
export const MsgWithdrawCommission = new ContainerType({ validator: Bytes20 }, { typeName: "MsgWithdrawCommission" });
export type MsgWithdrawCommissionValue = ValueOf<typeof MsgWithdrawCommission>;
