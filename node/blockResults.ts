// What a block produced, stored with it in the same atomic write (CometBFT's
// ResponseFinalizeBlock, saved by SaveFinalizeBlockResponse): every tx's result, the block's own
// events (begin/end-block: rewards, epochs, slashes, jails), the validator updates the block
// decided (they take effect at H + 2), the consensus params it changed (from H + 1), and the app
// hash it produced. block_results answers it for any retained height.
import type { StrataEvent } from "../state/events.ts";
import type { TxResult } from "../state/tx/processTx.ts";
import { getPendingValidators, type ValidatorEntryValue } from "../state/validators.ts";
import { ChainKey } from "../state/keys.ts";
import type { Change, KVReader } from "../state/store/types.ts";

/** A tx result as stored (bigints as decimal strings). */
export type StoredTxResult = {
  hash: string;
  code: number;
  log: string;
  gasWanted: string;
  gasUsed: string;
  events: StrataEvent[];
};

export type ValidatorUpdate = { pubkey: string; power: string };

export type BlockResults = {
  txs: StoredTxResult[];
  /** begin/end-block events (CometBFT v0.38 finalize_block_events) */
  events: StrataEvent[];
  /** changes of the set decided by this block (power "0" = removed), hex public keys */
  validatorUpdates: ValidatorUpdate[];
  /** the consensus-params record from H + 1 on (node/paramsHistory.ts), hex; null if unchanged */
  paramUpdates: string | null;
  /** the state root after this block, hex (the header's stateRoot) */
  appHash: string;
};

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export function encodeBlockResults(r: BlockResults): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 2, ...r }));
}

/** encodeBlockResults with the txs given as their JSON (node/txResultsJson.ts). PERF: a block's events are serialised once. */
export function encodeBlockResultsWithTxsJson(txsJson: string, r: Omit<BlockResults, "txs">): Uint8Array {
  return new TextEncoder().encode(`{"txs":${txsJson},${JSON.stringify({ v: 2, ...r }).slice(1)}`);
}

/**
 * Blocks written before this format stored the tx results alone (an array); they answer with
 * no block events, no updates and no app hash (the caller takes it from the header).
 */
export function decodeBlockResults(b: Uint8Array): BlockResults {
  if (b.length === 0) return { txs: [], events: [], validatorUpdates: [], paramUpdates: null, appHash: "" };
  const j = JSON.parse(Buffer.from(b).toString()) as (BlockResults & { v: number }) | StoredTxResult[];
  if (Array.isArray(j)) return { txs: j, events: [], validatorUpdates: [], paramUpdates: null, appHash: "" };
  return {
    txs: j.txs,
    events: j.events,
    validatorUpdates: j.validatorUpdates,
    paramUpdates: j.paramUpdates,
    appHash: j.appHash,
  };
}

export function storedTxResults(results: readonly TxResult[]): StoredTxResult[] {
  return results.map((r) => ({
    hash: r.hash,
    code: r.code,
    log: r.log,
    gasWanted: String(r.gasWanted),
    gasUsed: String(r.gasUsed),
    events: r.events,
  }));
}

/**
 * The validator updates of a block: the set it decided (S_{H+2}, `validatorsPending` after the
 * block) against the one decided before it. In CometBFT's ValidatorUpdate form: changed or new
 * members with their power, removed ones with power 0.
 */
export function validatorUpdatesOf(before: KVReader, after: KVReader, changes: readonly Change[]): ValidatorUpdate[] {
  const key = hex(ChainKey.validatorsPending);
  if (!changes.some((c) => hex(c.key) === key)) return [];
  const old = new Map(getPendingValidators(before).map((v) => [hex(v.pubkey), v]));
  const next: ValidatorEntryValue[] = getPendingValidators(after);
  const out: ValidatorUpdate[] = [];
  for (const v of next)
    if (old.get(hex(v.pubkey))?.power !== v.power) out.push({ pubkey: hex(v.pubkey), power: String(v.power) });
  const kept = new Set(next.map((v) => hex(v.pubkey)));
  for (const k of old.keys()) if (!kept.has(k)) out.push({ pubkey: k, power: "0" });
  return out;
}
