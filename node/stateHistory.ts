// Versioned state: the value every key had at every retained height, without copying the state.
// With each block H the node writes, in the block's own batch, one history entry per changed key:
// (key, H) → the value the key had before H (or "absent"), plus the list of keys H changed (the
// reverse changeset, so pruning finds the entries of a height without a scan).
// The value of a key after block h is then the value recorded by the first change after h, or,
// if none came after h, the current value. Reads need one range seek per key; writes one extra
// put per changed key.
import type { Change } from "../state/store/types.ts";

type Bytes = Uint8Array;

const ABSENT = 0;
const PRESENT = 1;

/** u16 length ‖ key ‖ u64 height: entries of one key are contiguous and in height order. */
export function histKey(key: Bytes, height: number): Bytes {
  const b = new Uint8Array(2 + key.length + 8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, key.length);
  b.set(key, 2);
  dv.setBigUint64(2 + key.length, BigInt(height));
  return b;
}

/** The value before a change, as stored. */
export function encodeOld(v: Bytes | undefined): Bytes {
  if (v === undefined) return Uint8Array.of(ABSENT);
  const b = new Uint8Array(1 + v.length);
  b[0] = PRESENT;
  b.set(v, 1);
  return b;
}

export function decodeOld(b: Bytes): Bytes | undefined {
  if (b[0] === ABSENT) return undefined;
  if (b[0] !== PRESENT) throw new Error(`state history: unknown entry tag ${b[0]}`);
  return b.subarray(1);
}

/** The keys a block changed, each as u16 length ‖ key. */
export function encodeKeyList(changes: readonly Change[]): Bytes {
  let n = 0;
  for (const c of changes) n += 2 + c.key.length;
  const b = new Uint8Array(n);
  const dv = new DataView(b.buffer);
  let o = 0;
  for (const c of changes) {
    dv.setUint16(o, c.key.length);
    b.set(c.key, o + 2);
    o += 2 + c.key.length;
  }
  return b;
}

export function decodeKeyList(b: Bytes): Bytes[] {
  const out: Bytes[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 0;
  while (o < b.length) {
    const n = dv.getUint16(o);
    out.push(b.subarray(o + 2, o + 2 + n));
    o += 2 + n;
  }
  return out;
}
