// strategy's message codecs (the client imports these).
import { ByteListType, ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint128 } from "../../encoding/types.ts";

export const MsgService = new ContainerType({ service: new ByteListType(32) }, { typeName: "MsgService" });
export const MsgSwap = new ContainerType(
  { pool: new ByteListType(32), denomIn: new ByteListType(16), amountIn: Uint128, minOut: Uint128 },
  { typeName: "MsgSwap" },
);
export const MsgAddLiquidity = new ContainerType(
  { pool: new ByteListType(32), maxStra: Uint128, maxStstra: Uint128 },
  { typeName: "MsgAddLiquidity" },
);
export const MsgRemoveLiquidity = new ContainerType(
  { pool: new ByteListType(32), shares: Uint128 },
  { typeName: "MsgRemoveLiquidity" },
);
export type MsgServiceValue = ValueOf<typeof MsgService>;
export type MsgSwapValue = ValueOf<typeof MsgSwap>;
export type MsgAddLiquidityValue = ValueOf<typeof MsgAddLiquidity>;
export type MsgRemoveLiquidityValue = ValueOf<typeof MsgRemoveLiquidity>;

/** Ids and denoms travel as UTF-8 bytes. */
export const text = (b: Uint8Array): string => Buffer.from(b).toString();
