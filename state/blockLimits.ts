// A block's budget (params.block): tx count, bytes and gas. The proposer fills a block by fee
// priority up to it (node/mempool.ts reap); every validator refuses a proposal that exceeds it
// before executing anything, so no proposer can make the others execute an oversized block.
import type { BlockParamsValue } from "./params.ts";

/** Which limit a block's txs exceed, or undefined. `gas` is 0 for a tx that does not decode. */
export function getBlockLimitViolation(
  p: BlockParamsValue,
  txs: readonly { bytes: number; gas: bigint }[],
): string | undefined {
  if (txs.length > p.maxTxs) return `block has ${txs.length} txs, limit ${p.maxTxs}`;
  let bytes = 0;
  let gas = 0n;
  for (const t of txs) {
    bytes += t.bytes;
    gas += t.gas;
  }
  if (bytes > p.maxBytes) return `block txs take ${bytes} bytes, limit ${p.maxBytes}`;
  if (gas > p.maxGas) return `block txs want ${gas} gas, limit ${p.maxGas}`;
  return undefined;
}
