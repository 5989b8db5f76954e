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
 * maxGas 100 M ≈ 3,000 transfers (~32 k gas each): on the 2-core reference machine a block of that
 * executes, hashes and commits in ~0.25 s (bench:exec, ~13 k transfers/s) on each of 4 co-located
 * validators, a fraction of the 1 s commit timeout. Scale it with the machine (docs/performance.md).
 */
export const DEFAULT_BLOCK_PARAMS: BlockParamsValue = {
  maxTxs: 20_000,
  maxBytes: 8 * 1024 * 1024,
  maxGas: 100_000_000n,
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
