// What the block store keeps per tx for `tx` and `tx_search`: height, index, code, gas, and the
// log and events truncated so one hostile tx cannot make a record of unbounded size.
import { TxResultRecord } from "../state/encoding/types.ts";
import type { TxResult } from "../state/tx/processTx.ts";

const MAX_LOG_BYTES = 1024;
const MAX_EVENTS_BYTES = 16 * 1024;

function truncate(b: Uint8Array, max: number): Uint8Array {
  return b.length <= max ? b : b.subarray(0, max);
}

/** `eventsJson[i]`: JSON.stringify(results[i].events), when the caller has it. PERF: one JSON encoding of each tx's events. */
export function txResultRecords(
  height: number,
  results: TxResult[],
  eventsJson: readonly string[] = results.map((r) => JSON.stringify(r.events)),
): { hash: Uint8Array; record: Uint8Array }[] {
  const enc = new TextEncoder();
  return results.map((r, index) => ({
    hash: new Uint8Array(Buffer.from(r.hash, "hex")),
    record: TxResultRecord.serialize({
      height,
      index,
      code: r.code,
      gasUsed: Number(r.gasUsed),
      log: truncate(enc.encode(r.log), MAX_LOG_BYTES),
      events: truncate(enc.encode(eventsJson[index]!), MAX_EVENTS_BYTES),
    }),
  }));
}
