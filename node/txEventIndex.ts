// The tx_search index: every account address that appears in a tx's events (message.sender,
// transfer.recipient, lst_stake.staker, …) points at that tx, so "txs that touched this account"
// is one prefix scan instead of a walk over blocks. Keys only, kept short (33 bytes: a transfer
// adds two) because they are written in every block's batch; the stored events then decide
// which attribute matched. Conditions on anything else filter those hits or fall back to a scan.
//
// key = 0x01 ‖ address (20 bytes) ‖ u64 height ‖ u32 index        (value empty)
import type { StrataEvent } from "../state/events.ts";
import { decodeAddress } from "../state/crypto/address.ts";

type Bytes = Uint8Array;
const KIND_ADDRESS = 0x01;
const ADDRESS = /^strata1[02-9ac-hj-np-z]{38}$/;
const ADDRESS_LENGTH = 45;

const decoded = new Map<string, Bytes | null>();

/** The 20 address bytes if `value` is an account address, else undefined (memoised: the same accounts recur block after block). */
function addressOf(value: string): Bytes | undefined {
  // PERF: most attribute values (amounts, nonces, actions) are refused by their length alone
  if (value.length !== ADDRESS_LENGTH || !ADDRESS.test(value)) return undefined;
  let a = decoded.get(value);
  if (a === undefined) {
    try {
      a = decodeAddress(value);
    } catch {
      a = null;
    }
    if (decoded.size >= 100_000) decoded.clear();
    decoded.set(value, a);
  }
  return a ?? undefined;
}

/** The prefix of every entry that can answer `key = value`, or undefined if none can. */
export function searchPrefix(value: string): Bytes | undefined {
  const a = addressOf(value);
  if (!a) return undefined;
  const out = new Uint8Array(21);
  out[0] = KIND_ADDRESS;
  out.set(a, 1);
  return out;
}

export function eventKey(address: Bytes, height: number, index: number): Bytes {
  const out = new Uint8Array(33);
  out[0] = KIND_ADDRESS;
  out.set(address, 1);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(21, BigInt(height));
  dv.setUint32(29, index);
  return out;
}

/** (height, index) of an entry's key. */
export function eventPosition(key: Bytes): { height: number; index: number } {
  const dv = new DataView(key.buffer, key.byteOffset + 21, 12);
  return { height: Number(dv.getBigUint64(0)), index: dv.getUint32(8) };
}

/** The index entries of one tx: one per distinct address in its events. PERF: one regex per attribute. */
export function txEventKeys(events: readonly StrataEvent[], height: number, index: number): Bytes[] {
  const seen = new Set<string>();
  const out: Bytes[] = [];
  for (const e of events) {
    for (const a of e.attributes) {
      if (seen.has(a.value)) continue;
      seen.add(a.value);
      const addr = addressOf(a.value);
      if (addr) out.push(eventKey(addr, height, index));
    }
  }
  return out;
}
