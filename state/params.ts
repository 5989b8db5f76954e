// Chain parameters that live in state (changeable later by params/update from the authority).
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint128, Uint32 } from "./encoding/types.ts";
import { ChainKey } from "./keys.ts";
import type { KVReader } from "./store/types.ts";
import type { Overlay } from "./store/overlay.ts";

export const TxParams = new ContainerType({ minGasPrice: Uint128, maxTxBytes: Uint32 }, { typeName: "TxParams" });
export const BlockParams = new ContainerType({ maxTxs: Uint32, maxBytes: Uint32 }, { typeName: "BlockParams" });

export type TxParamsValue = ValueOf<typeof TxParams>;
export type BlockParamsValue = ValueOf<typeof BlockParams>;

/** 1 gwei-like unit per gas: a transfer (~32k gas) costs ~0.000032 stra. */
export const DEFAULT_TX_PARAMS: TxParamsValue = { minGasPrice: 1_000_000_000n, maxTxBytes: 64 * 1024 };
export const DEFAULT_BLOCK_PARAMS: BlockParamsValue = { maxTxs: 20_000, maxBytes: 8 * 1024 * 1024 };

export function getTxParams(store: KVReader): TxParamsValue {
  const b = store.get(ChainKey.txParams);
  return b ? TxParams.deserialize(b) : DEFAULT_TX_PARAMS;
}
export function setTxParams(store: Overlay, p: TxParamsValue): void {
  store.set(ChainKey.txParams, TxParams.serialize(p));
}
export function getBlockParams(store: KVReader): BlockParamsValue {
  const b = store.get(ChainKey.blockParams);
  return b ? BlockParams.deserialize(b) : DEFAULT_BLOCK_PARAMS;
}
export function setBlockParams(store: Overlay, p: BlockParamsValue): void {
  store.set(ChainKey.blockParams, BlockParams.serialize(p));
}
