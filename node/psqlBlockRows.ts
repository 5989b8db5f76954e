// One committed height as the psql indexer's rows, column by column (the writer sends each
// column as one array parameter: a multi-row insert of any size in one statement). Built only
// from what the block store keeps (the block and its stored tx results), so a height can be
// indexed again after any crash exactly as it was the first time.
import type { BlockValue } from "../state/encoding/types.ts";
import type { StrataEvent } from "../state/events.ts";
import type { HeightSummary } from "../state/heightSummary.ts";

/** A tx result as the block store keeps it (rpc/txJson.ts StoredTxResult). */
export type StoredResult = { hash: string; code: number; log: string; gasUsed: string | number; events: StrataEvent[] };

export type BlockRows = {
  height: number;
  hash: string;
  time: Date;
  proposer: string;
  txs: { index: number[]; hash: string[]; tx: Buffer[]; code: number[]; log: string[]; gasUsed: string[] };
  /** `tx`: position of the event's tx in `txs`, -1 for a block event */
  events: { tx: number[]; type: string[] };
  /** `event`: position of the attribute's event in `events` */
  attributes: { event: number[]; key: string[]; compositeKey: string[]; value: string[]; valueNum: (number | null)[] };
  /** validators and LST/LRT figures of the height, when the node stored them (state/heightSummary.ts) */
  summary?: HeightSummary;
  /** rows in all tables, for the rows/s figures */
  rowCount: number;
};

/**
 * The number the kv index compares a value as (rpc/query.ts: Number(v)), kept beside the text so
 * SQL compares exactly as it does; NaN (not a number) is NULL, which no comparison matches.
 */
export function numericValue(v: string): number | null {
  const n = Number(v);
  return Number.isNaN(n) ? null : n;
}

/**
 * Text as PostgreSQL can hold it: it refuses U+0000 in text, and one such value must not stop
 * indexing, so it is stored (and searched, rpc/psqlSearch.ts) as U+FFFD.
 */
export function pgText(s: string): string {
  return s.includes("\u0000") ? s.replaceAll("\u0000", "\uFFFD") : s;
}

export function blockRows(
  height: number,
  blockId: Uint8Array,
  block: BlockValue,
  results: readonly StoredResult[],
  summary?: HeightSummary,
): BlockRows {
  const txs: BlockRows["txs"] = { index: [], hash: [], tx: [], code: [], log: [], gasUsed: [] };
  const events: BlockRows["events"] = { tx: [], type: [] };
  const attributes: BlockRows["attributes"] = { event: [], key: [], compositeKey: [], value: [], valueNum: [] };
  const add = (tx: number, e: StrataEvent) => {
    const ev = events.type.length;
    events.tx.push(tx);
    events.type.push(pgText(e.type));
    for (const a of e.attributes) {
      attributes.event.push(ev);
      attributes.key.push(pgText(a.key));
      attributes.compositeKey.push(pgText(`${e.type}.${a.key}`));
      attributes.value.push(pgText(a.value));
      attributes.valueNum.push(numericValue(a.value));
    }
  };
  // As CometBFT's sink: the height is a block event, a tx's hash and height a tx event, so the
  // query language's block.height, tx.hash and tx.height are plain conditions on attributes.
  add(-1, { type: "block", attributes: [{ key: "height", value: String(height) }] });
  results.forEach((r, i) => {
    txs.index.push(i);
    txs.hash.push(pgText(r.hash));
    txs.tx.push(Buffer.from(block.txs[i] ?? new Uint8Array()));
    txs.code.push(r.code);
    txs.log.push(pgText(r.log));
    txs.gasUsed.push(String(r.gasUsed));
    add(i, {
      type: "tx",
      attributes: [
        { key: "hash", value: r.hash },
        { key: "height", value: String(height) },
      ],
    });
    for (const e of r.events) add(i, e);
  });
  return {
    height,
    hash: Buffer.from(blockId).toString("hex").toUpperCase(),
    time: new Date(block.header.time),
    proposer: Buffer.from(block.header.proposer).toString("hex").toUpperCase(),
    txs,
    events,
    attributes,
    summary,
    rowCount:
      1 +
      txs.index.length +
      events.type.length +
      attributes.event.length +
      (summary ? 1 + summary.validators.length + summary.pools.length : 0),
  };
}
