// Chain parameters that live in state (changeable later by params/update from the authority).
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint128, Uint32, Uint64 } from "./encoding/types.ts";
import { ChainKey } from "./keys.ts";
import type { KVReader } from "./store/types.ts";
import type { Overlay } from "./store/overlay.ts";

export const TxParams = new ContainerType({ minGasPrice: Uint128, maxTxBytes: Uint32 }, { typeName: "TxParams" });
/** A block's budget: txs, bytes and gas (Cosmos' max_gas); the proposer fills it by fee priority. */
export const BlockParams = new ContainerType(
  { maxTxs: Uint32, maxBytes: Uint32, maxGas: Uint64 },
  { typeName: "BlockParams" },
);

export type TxParamsValue = ValueOf<typeof TxParams>;
export type BlockParamsValue = ValueOf<typeof BlockParams>;

/** 1 gwei-like unit per gas: a transfer (~32k gas) costs ~0.000032 stra. */
export const DEFAULT_TX_PARAMS: TxParamsValue = { minGasPrice: 1_000_000_000n, maxTxBytes: 64 * 1024 };
/**
 * maxGas 80 M ≈ 2,500 transfers (~32 k gas each). On the 2-core reference machine four co-located
 * validators under a flood spend ~1.45 ms of CPU per finalized transfer between them, so such a
 * block is ~1.8 s of the two cores: block interval 1.8-1.9 s mean, 2.4-2.9 s p99 (within 3x the 1 s
 * commit timeout); 100 M gave the same throughput at 3.4-3.7 s p99. Sizing for other hardware:
 * docs/operating.md "Block size".
 */
/** The least a block's maxGas may be: base + per-byte cost + a 16-message tx's gas, so any single valid tx fits. */
export const MIN_BLOCK_MAX_GAS = 10_000_000n;

export const DEFAULT_BLOCK_PARAMS: BlockParamsValue = {
  maxTxs: 20_000,
  maxBytes: 8 * 1024 * 1024,
  maxGas: 80_000_000n,
};

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
