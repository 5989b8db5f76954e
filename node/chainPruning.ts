// The deleting half of pruning (node/pruning.ts decides what is kept; ChainDb schedules the jobs
// off the commit path and refuses heights before anything is deleted). Deletes go in bounded
// batches; a crash in the middle leaves entries that the next job deletes again (deleting is
// idempotent, and the job's start and end are recorded only in the final batch).
import type { Level } from "level";
import type { AbstractSublevel } from "abstract-level";
import { Block, Commit } from "../state/encoding/types.ts";
import { sha256 } from "../state/crypto/hash.ts";
import { decodeBlockResults } from "./blockResults.ts";
import { txEventKeys } from "./txEventIndex.ts";
import { decodeKeyList, histKey } from "./stateHistory.ts";

type Bytes = Uint8Array;
type Sub = AbstractSublevel<Level<Bytes, Bytes>, Bytes | string | Buffer, Bytes, Bytes>;
export type PruneOp = { type: "put" | "del"; sublevel: Sub; key: Bytes; value?: Bytes };
type BatchOps = Array<{ type: "put"; key: Bytes; value: Bytes } | { type: "del"; key: Bytes }>;

/** The sublevels pruning deletes from (ChainDb's). */
export type PruneStores = {
  db: Level<Bytes, Bytes>;
  stateHist: Sub;
  stateRev: Sub;
  blocks: Sub;
  commits: Sub;
  blockIds: Sub;
  results: Sub;
  txIndex: Sub;
  txEvents: Sub;
  valsets: Sub;
};

/** deletes per batch: bounded, so a large first prune does not hold a huge batch */
const PRUNE_BATCH = 20_000;

const u64 = (n: number): Bytes => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};
const heightOf = (k: Bytes): number => Number(new DataView(k.buffer, k.byteOffset + k.length - 8, 8).getBigUint64(0));

async function flushIfFull(s: PruneStores, ops: PruneOp[]): Promise<PruneOp[]> {
  if (ops.length < PRUNE_BATCH) return ops;
  await s.db.batch(ops as unknown as BatchOps);
  return [];
}

/**
 * Deletes the state-history entries that only heights below `to` need (those of changes at
 * heights ≤ to). Returns the last ops, for the caller's final batch.
 */
export async function deleteStateHistory(s: PruneStores, to: number): Promise<PruneOp[]> {
  let ops: PruneOp[] = [];
  for await (const [k, v] of s.stateRev.iterator({ lte: u64(to) })) {
    const h = heightOf(k);
    for (const key of decodeKeyList(v)) ops.push({ type: "del", sublevel: s.stateHist, key: histKey(key, h) });
    ops.push({ type: "del", sublevel: s.stateRev, key: k });
    ops = await flushIfFull(s, ops);
  }
  return ops;
}

/**
 * Deletes blocks `from` ≤ h < `to` with their commits, ids, results, the tx index entries of
 * their txs (a tx whose block is gone cannot be answered anyway) and every validator record below
 * `to` but `keepValidators` (the full record the sets of `to` on stand on). Returns the last ops.
 */
export async function deleteBlocks(
  s: PruneStores,
  from: number,
  to: number,
  keepValidators: number | undefined,
): Promise<PruneOp[]> {
  let ops: PruneOp[] = [];
  for (let h = from; h < to; h++) {
    const c = await s.commits.get(u64(h));
    if (c) ops.push({ type: "del", sublevel: s.blockIds, key: Commit.deserialize(c).blockId });
    const b = await s.blocks.get(u64(h));
    if (b) for (const tx of Block.deserialize(b).txs) ops.push({ type: "del", sublevel: s.txIndex, key: sha256(tx) });
    const r = await s.results.get(u64(h));
    if (r) {
      decodeBlockResults(r).txs.forEach((t, i) => {
        for (const key of txEventKeys(t.events, h, i)) ops.push({ type: "del", sublevel: s.txEvents, key });
      });
    }
    for (const sub of [s.blocks, s.commits, s.results]) ops.push({ type: "del", sublevel: sub, key: u64(h) });
    ops = await flushIfFull(s, ops);
  }
  for await (const k of s.valsets.keys({ lt: u64(to) }))
    if (heightOf(k) !== keepValidators) ops.push({ type: "del", sublevel: s.valsets, key: k });
  return ops;
}
