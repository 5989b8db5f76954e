// What the block store keeps per tx for `tx` and `tx_search`: height, index, code, gas, and the
// log and events truncated so one hostile tx cannot make a record of unbounded size.
import { TxResultRecord } from "../state/encoding/types.ts";
import type { TxResult } from "../state/tx/processTx.ts";

const MAX_LOG_BYTES = 1024;
const MAX_EVENTS_BYTES = 16 * 1024;
/** TxResultRecord's fixed part: height u64, index u32, code u32, gasUsed u64, two u32 offsets. */
const FIXED = 8 + 4 + 4 + 8 + 4 + 4;

function truncate(b: Uint8Array, max: number): Uint8Array {
  return b.length <= max ? b : b.subarray(0, max);
}

/**
 * TxResultRecord.serialize of one record, its strings written as UTF-8 straight into the record
 * instead of encoded, copied into the SSZ encoding and copied again (1.9 % of a node's busy time
 * under the flood went to building these). A string over its limit, which a hostile tx can
 * cause, takes the library's path: its cut may fall inside a character.
 */
export function encodeTxResultRecord(
  height: number,
  index: number,
  code: number,
  gasUsed: number,
  log: string,
  events: string,
): Uint8Array {
  const logLen = Buffer.byteLength(log, "utf8");
  const eventsLen = Buffer.byteLength(events, "utf8");
  if (logLen > MAX_LOG_BYTES || eventsLen > MAX_EVENTS_BYTES) {
    const enc = new TextEncoder();
    return TxResultRecord.serialize({
      height,
      index,
      code,
      gasUsed,
      log: truncate(enc.encode(log), MAX_LOG_BYTES),
      events: truncate(enc.encode(events), MAX_EVENTS_BYTES),
    });
  }
  const b = Buffer.allocUnsafeSlow(FIXED + logLen + eventsLen);
  b.writeBigUInt64LE(BigInt(height), 0);
  b.writeUInt32LE(index, 8);
  b.writeUInt32LE(code, 12);
  b.writeBigUInt64LE(BigInt(gasUsed), 16);
  b.writeUInt32LE(FIXED, 24);
  b.writeUInt32LE(FIXED + logLen, 28);
  b.write(log, FIXED, logLen, "utf8");
  b.write(events, FIXED + logLen, eventsLen, "utf8");
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** `eventsJson[i]`: JSON.stringify(results[i].events), when the caller has it. PERF: one JSON encoding of each tx's events. */
export function txResultRecords(
  height: number,
  results: TxResult[],
  eventsJson: readonly string[] = results.map((r) => JSON.stringify(r.events)),
): { hash: Uint8Array; record: Uint8Array }[] {
  return results.map((r, index) => ({
    hash: new Uint8Array(Buffer.from(r.hash, "hex")),
    record: encodeTxResultRecord(height, index, r.code, Number(r.gasUsed), r.log, eventsJson[index]!),
  }));
}
