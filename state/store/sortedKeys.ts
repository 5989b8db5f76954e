// Every key that ever got a leaf of the state commitment, in byte order, in memory. The indexed
// Merkle tree (commitment.ts) needs a key's neighbours synchronously: the predecessor of each new
// key (whose next pointer the insert changes) and the successor of each changed key (its own next
// pointer). LevelDB here offers getSync but no synchronous iterator, and block execution and the
// state root are synchronous (chain.propose / executeProposal), so the order is kept here.
// Keys are latin1 strings (one char per byte, so `<` on strings is byte order) in sorted chunks:
// PERF: a lookup is two binary searches (over chunk heads, then inside one chunk), an insert a
// splice into one chunk of at most 2 × CHUNK keys; never a copy of the whole set. Memory is about
// one V8 string per key (~40 + key length bytes): ~60 MB at a million keys.
import { keyToString, stringToKey } from "./types.ts";

const CHUNK = 512;

export class SortedKeys {
  /** non-empty sorted chunks, each chunk's keys all below the next chunk's */
  private readonly chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The greatest key strictly below `key`, if any. */
  lower(key: Uint8Array): Uint8Array | undefined {
    const s = keyToString(key);
    const c = this.chunkAtOrBefore(s);
    if (c < 0) return undefined;
    const chunk = this.chunks[c];
    const i = lowerBound(chunk, s) - 1;
    if (i >= 0) return stringToKey(chunk[i]);
    if (c === 0) return undefined;
    const prev = this.chunks[c - 1];
    return stringToKey(prev[prev.length - 1]);
  }

  /** The smallest key strictly above `key`, if any. */
  higher(key: Uint8Array): Uint8Array | undefined {
    const s = keyToString(key);
    const c = Math.max(this.chunkAtOrBefore(s), 0);
    for (let j = c; j < this.chunks.length && j <= c + 1; j++) {
      const chunk = this.chunks[j];
      const i = upperBound(chunk, s);
      if (i < chunk.length) return stringToKey(chunk[i]);
    }
    return undefined;
  }

  has(key: Uint8Array): boolean {
    const s = keyToString(key);
    const c = this.chunkAtOrBefore(s);
    if (c < 0) return false;
    const chunk = this.chunks[c];
    const i = lowerBound(chunk, s);
    return i < chunk.length && chunk[i] === s;
  }

  /** Adds keys not yet in the set (a key already present is an error: leaves are never re-added). */
  add(key: Uint8Array): void {
    const s = keyToString(key);
    if (this.chunks.length === 0) {
      this.chunks.push([s]);
      this.count = 1;
      return;
    }
    // PERF: keys loaded at open come in byte order: appended to the last chunk without a search
    const tail = this.chunks[this.chunks.length - 1];
    const append = s > tail[tail.length - 1];
    const c = append ? this.chunks.length - 1 : Math.max(this.chunkAtOrBefore(s), 0);
    const chunk = this.chunks[c];
    const i = append ? chunk.length : lowerBound(chunk, s);
    if (chunk[i] === s) throw new Error("SortedKeys.add: key already present");
    chunk.splice(i, 0, s);
    this.count++;
    if (chunk.length > 2 * CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK));
  }

  /** Index of the last chunk whose first key is ≤ s, or -1. */
  private chunkAtOrBefore(s: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.chunks[mid][0] <= s) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

/** First position whose key is ≥ s. */
function lowerBound(a: string[], s: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position whose key is > s. */
function upperBound(a: string[], s: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
