// The SSZ hash_tree_root of a block's tx list (List[ByteList[MAX_TX_BYTES], MAX_TXS_PER_BLOCK]),
// computed level by level over all txs at once. @chainsafe/ssz gives the same root, but it builds
// a 64-byte array per pair of chunks of every tx: a tenth of all the memory a node allocated under
// the flood (heap sampling, docs/performance.md), garbage that V8 promotes and native memory keeps.
// Here each level of all the txs is one buffer and one native hash call (hashtree when it loaded).
import { hashInto } from "@chainsafe/persistent-merkle-tree";
import { MAX_TX_BYTES, MAX_TXS_PER_BLOCK } from "../state/encoding/types.ts";

const TX_DEPTH = Math.ceil(Math.log2(Math.ceil(MAX_TX_BYTES / 32)));
const LIST_DEPTH = Math.ceil(Math.log2(MAX_TXS_PER_BLOCK));

const ZERO: Uint8Array[] = [new Uint8Array(32)];
for (let d = 0; d < Math.max(TX_DEPTH, LIST_DEPTH); d++) {
  const both = new Uint8Array(64);
  both.set(ZERO[d], 0);
  both.set(ZERO[d], 32);
  const out = new Uint8Array(32);
  hashInto(both, out);
  ZERO.push(out);
}

/** dst[to, to + len) = src[from, from + len): 32 to 128 bytes per tx per level, where a subarray view
 * for each set() was itself the largest allocation left here. */
function copy(dst: Uint8Array, to: number, src: Uint8Array, from: number, len: number): void {
  for (let j = 0; j < len; j++) dst[to + j] = src[from + j];
}

/**
 * The Merkle roots, to `depth`, of segments laid end to end in `level`: segment i holds
 * `chunks[i]` 32-byte chunks (the last one zero-padded), each segment padded in `level` to an
 * even count of chunks with zero bytes. An empty segment's root is the zero hash of `depth`.
 * PERF: one hashInto call per level for all segments; ~chunks + depth hashes per segment.
 */
function segmentRoots(level: Uint8Array, chunks: Int32Array, depth: number): Uint8Array {
  const n = chunks.length;
  const counts = Int32Array.from(chunks);
  for (let d = 0; d < depth; d++) {
    const hashed = new Uint8Array(level.length / 2);
    if (hashed.length > 0) hashInto(level, hashed);
    // counts[i] nodes now hashed into ceil(counts[i] / 2); the next level pads each segment to an
    // even count with this level's zero hash, unless it is the root level.
    let total = 0;
    for (let i = 0; i < n; i++) {
      const h = (counts[i] + 1) >> 1;
      total += d + 1 < depth ? h + (h & 1) : h;
    }
    const next = new Uint8Array(total * 32);
    let from = 0;
    let to = 0;
    for (let i = 0; i < n; i++) {
      const h = (counts[i] + 1) >> 1;
      copy(next, to * 32, hashed, from * 32, h * 32);
      from += h;
      to += h;
      if (d + 1 < depth && h & 1) next.set(ZERO[d + 1], to++ * 32);
      counts[i] = h;
    }
    level = next;
  }
  const roots = new Uint8Array(n * 32);
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (counts[i] === 0) roots.set(ZERO[depth], i * 32);
    else copy(roots, i * 32, level, at++ * 32, 32);
  }
  return roots;
}

/** SSZ mix_in_length for each root: sha256(root ‖ length as a little-endian uint256). */
function mixInLengths(roots: Uint8Array, lengths: ArrayLike<number>): Uint8Array {
  const n = lengths.length;
  const input = new Uint8Array(n * 64);
  const view = new DataView(input.buffer);
  for (let i = 0; i < n; i++) {
    copy(input, i * 64, roots, i * 32, 32);
    view.setUint32(i * 64 + 32, lengths[i], true);
  }
  const out = new Uint8Array(n * 32);
  hashInto(input, out);
  return out;
}

/** PERF: O(total tx bytes / 32 + txs × depth) hashes, one native call per tree level. */
export function txListRoot(txs: readonly Uint8Array[]): Uint8Array {
  if (txs.length > MAX_TXS_PER_BLOCK) throw new Error(`tx list of ${txs.length} exceeds ${MAX_TXS_PER_BLOCK}`);
  const n = txs.length;
  const chunks = new Int32Array(n);
  const lengths = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const len = txs[i].length;
    if (len > MAX_TX_BYTES) throw new Error(`tx of ${len} bytes exceeds ${MAX_TX_BYTES}`);
    lengths[i] = len;
    chunks[i] = Math.ceil(len / 32);
    total += chunks[i] + (chunks[i] & 1);
  }
  const level = new Uint8Array(total * 32);
  let at = 0;
  for (let i = 0; i < n; i++) {
    level.set(txs[i], at * 32);
    at += chunks[i] + (chunks[i] & 1);
  }
  const txRoots = mixInLengths(segmentRoots(level, chunks, TX_DEPTH), lengths);
  const padded = n & 1 ? new Uint8Array((n + 1) * 32) : txRoots;
  if (padded !== txRoots) padded.set(txRoots);
  const listRoot = segmentRoots(padded, Int32Array.of(n), LIST_DEPTH);
  return mixInLengths(listRoot, [n]);
}
