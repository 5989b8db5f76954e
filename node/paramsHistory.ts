// Consensus params per height, as CometBFT's state store keeps them (LoadConsensusParams): a
// record is written only at the height from which changed params apply (a `params/update` in
// block H changes the state after H, so block H + 1 is the first built under the new params), and
// height H answers the last record at or below H. Each record holds every consensus-param key of
// the state in full, so it answers alone: the params as any state getter reads them.
import { ChainKey } from "../state/keys.ts";
import type { Change, KVReader } from "../state/store/types.ts";

/** The state keys that make up the consensus params (block limits, evidence max age). */
export const CONSENSUS_PARAM_KEYS: readonly Uint8Array[] = [ChainKey.blockParams, ChainKey.evidenceParams];

export type ParamsRecord = { height: number; value: Uint8Array };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A record of the consensus params as `state` holds them. */
export function encodeParamsRecord(state: KVReader): Uint8Array {
  const j: Record<string, string> = {};
  for (const k of CONSENSUS_PARAM_KEYS) {
    const v = state.get(k);
    if (v) j[hex(k)] = hex(v);
  }
  return new TextEncoder().encode(JSON.stringify(j));
}

/** `base` with a block's changes on top (the state after the block, before it is written). */
export function afterChanges(base: KVReader, changes: readonly Change[]): KVReader {
  const m = new Map(changes.map((c) => [hex(c.key), c.value]));
  return { get: (k) => (m.has(hex(k)) ? (m.get(hex(k)) ?? undefined) : base.get(k)) };
}

/** Whether a block's state changes touch the consensus params. */
export function paramsChanged(changes: readonly Change[]): boolean {
  const keys = new Set(CONSENSUS_PARAM_KEYS.map(hex));
  return changes.some((c) => keys.has(hex(c.key)));
}

/**
 * The params in effect for block `height`, as a reader the state's getters (getBlockParams) take.
 * `records` in ascending height order. Undefined below the first record.
 * PERF: binary search over the records (one per change, a handful in a chain's life).
 */
export function consensusParamsAt(records: readonly ParamsRecord[], height: number): KVReader | undefined {
  let lo = 0;
  let hi = records.length - 1;
  let found: ParamsRecord | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid].height <= height) {
      found = records[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found && paramsRecordReader(found.value);
}

/** A record as a reader the state's param getters take. */
export function paramsRecordReader(record: Uint8Array): KVReader {
  const j = JSON.parse(Buffer.from(record).toString()) as Record<string, string>;
  const m = new Map(Object.entries(j));
  return { get: (k) => (m.has(hex(k)) ? new Uint8Array(Buffer.from(m.get(hex(k))!, "hex")) : undefined) };
}
