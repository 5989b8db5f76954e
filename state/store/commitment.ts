// The state commitment: an indexed Merkle tree (as Aztec's nullifier tree). The tree is an
// index-addressed sparse Merkle tree of depth 32; a key gets the next free leaf index the first
// time it is written (new keys of a block in byte order, so every node assigns the same ones),
// like Cosmos account numbers, and keeps it forever. Through the leaves runs a sorted linked
// list: each leaf commits (key, H(value) or a tombstone, next key), next being the smallest
// larger key that has a leaf, or "end". Leaf 0 is a sentinel for the empty key (always a
// tombstone), so every key has a predecessor. That makes absence provable (keyProof.ts): a
// deleted key by its own tombstoned leaf, a never-written key x by the "low leaf" k < x < next.
// Empty subtrees hash to precomputed zero hashes, so only the paths of changed leaves are
// recomputed: O(changed × log2(keys)) hashes per block, not O(state).
import { sha256 } from "../crypto/hash.ts";
import { SortedKeys } from "./sortedKeys.ts";
import { keyToString, type Change } from "./types.ts";

export const TREE_DEPTH = 32;
/** Keys and next pointers are length-prefixed with 2 bytes in a leaf. */
export const MAX_KEY_LENGTH = 0xffff;
/** The sentinel's key: smaller than every state key, which is never empty. */
export const SENTINEL_KEY = new Uint8Array(0);

/** What the commitment needs from the committed store (LevelDB on a node, memory in tests). */
export interface CommitmentReader {
  /** Leaf index of a (non-empty) key that ever had a leaf. */
  keyIndex(key: Uint8Array): number | undefined;
  /** Hash of node `index` at `level` (0 = leaves), or undefined if it is an empty subtree. */
  node(level: number, index: number): Uint8Array | undefined;
  /** Allocated leaves, the sentinel included (0 only before genesis). */
  leafCount(): number;
  /** The committed value of a key (undefined = deleted or never written). */
  value(key: Uint8Array): Uint8Array | undefined;
  /** Greatest key with a leaf strictly below `key` (the sentinel excluded). */
  lowerKey(key: Uint8Array): Uint8Array | undefined;
  /** Smallest key with a leaf strictly above `key`. */
  higherKey(key: Uint8Array): Uint8Array | undefined;
}

export type NodeWrite = { level: number; index: number; hash: Uint8Array };

export type CommitmentUpdate = {
  root: Uint8Array;
  leafCount: number;
  newIndexes: { key: Uint8Array; index: number }[];
  nodes: NodeWrite[];
};

// one tag byte per kind of preimage, so no leaf, inner node, root or value hash can be read as another
const LEAF = 0x00;
const INNER = 0x01;
const ROOT = 0x02;
const VALUE = 0x03;

export const ZERO_HASHES: readonly Uint8Array[] = (() => {
  const z: Uint8Array[] = [new Uint8Array(32)];
  for (let l = 0; l < TREE_DEPTH; l++) z.push(hashInner(z[l], z[l]));
  return z;
})();

/** The value as a leaf holds it: its hash, so a low leaf in an absence proof costs 32 bytes. */
export function hashValue(value: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + value.length);
  buf[0] = VALUE;
  buf.set(value, 1);
  return sha256(buf);
}

/**
 * Leaf = sha256(0x00 ‖ u16 keylen ‖ key ‖ 0x01 ‖ valueHash  or  0x00 (tombstone)
 *               ‖ 0x01 ‖ u16 nextlen ‖ next  or  0x00 (end)).
 * Every variable field is length-prefixed or flagged, so one byte string is one leaf. Throws on
 * a malformed field (a broken invariant here; verifyKeyProof checks untrusted input first).
 */
export function hashLeaf(key: Uint8Array, valueHash: Uint8Array | null, next: Uint8Array | null): Uint8Array {
  if (key.length > MAX_KEY_LENGTH || (next && next.length > MAX_KEY_LENGTH)) throw new Error("leaf key too long");
  if (valueHash && valueHash.length !== 32) throw new Error("leaf value hash must be 32 bytes");
  const buf = new Uint8Array(3 + key.length + 1 + (valueHash ? 32 : 0) + 1 + (next ? 2 + next.length : 0));
  let o = 0;
  buf[o++] = LEAF;
  buf[o++] = key.length >> 8;
  buf[o++] = key.length & 0xff;
  buf.set(key, o);
  o += key.length;
  buf[o++] = valueHash ? 1 : 0;
  if (valueHash) {
    buf.set(valueHash, o);
    o += 32;
  }
  buf[o++] = next ? 1 : 0;
  if (next) {
    buf[o++] = next.length >> 8;
    buf[o++] = next.length & 0xff;
    buf.set(next, o);
  }
  return sha256(buf);
}

export function hashInner(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65);
  buf[0] = INNER;
  buf.set(left, 1);
  buf.set(right, 33);
  return sha256(buf);
}

/** The state root binds the tree and the number of allocated leaves. */
export function hashRoot(treeRoot: Uint8Array, leafCount: number): Uint8Array {
  const buf = new Uint8Array(41);
  buf[0] = ROOT;
  buf.set(treeRoot, 1);
  new DataView(buf.buffer).setBigUint64(33, BigInt(leafCount));
  return sha256(buf);
}

/** Byte order (the order of the linked list). */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Leaf index of `key`, the sentinel's (0) for the empty key once genesis allocated it. */
export function leafIndexOf(reader: CommitmentReader, key: Uint8Array): number | undefined {
  if (key.length === 0) return reader.leafCount() > 0 ? 0 : undefined;
  return reader.keyIndex(key);
}

/**
 * Root after applying `changes` (strictly ascending by key, as Overlay.changes() returns them).
 * Leaves rehashed: every changed key (new value or tombstone; its next pointer is its successor
 * among old and new keys) and, for each new key, its predecessor when that is an older key not
 * changed itself (its next pointer now names the new key), or the sentinel.
 * PERF: per changed key one leaf hash, one value hash and one successor lookup (in memory, see
 * sortedKeys.ts; the next new key comes from one backward pass, no search), plus one inner hash
 * per distinct ancestor; sibling reads go to the reader (LevelDB getSync behind a cache on a
 * node). Updates of existing keys do no predecessor work. Each new key adds one predecessor
 * lookup and, unless that predecessor is new or changed too, its value read and hash and one more
 * leaf path (whose next pointer is the new key itself, no lookup).
 */
export function computeCommitment(reader: CommitmentReader, changes: readonly Change[]): CommitmentUpdate {
  let leafCount = reader.leafCount();
  const leaves = new Map<number, Uint8Array>();
  const newIndexes: { key: Uint8Array; index: number }[] = [];
  const newKeys: Uint8Array[] = [];
  const indexes: (number | undefined)[] = [];
  const isNew: boolean[] = [];
  const firstBlock = leafCount === 0;
  if (firstBlock) leafCount = 1; // the sentinel's leaf
  for (let j = 0; j < changes.length; j++) {
    const c = changes[j];
    if (c.key.length === 0 || c.key.length > MAX_KEY_LENGTH) throw new Error("state key must be 1..65535 bytes");
    if (j > 0 && compareKeys(changes[j - 1].key, c.key) >= 0) throw new Error("changes must be strictly ascending");
    let index = reader.keyIndex(c.key);
    isNew.push(index === undefined && c.value !== null);
    if (index === undefined && c.value !== null) {
      if (leafCount >= 2 ** TREE_DEPTH) throw new Error("state tree full");
      index = leafCount++;
      newIndexes.push({ key: c.key, index });
      newKeys.push(c.key);
    }
    indexes.push(index); // undefined: created and deleted before ever being committed
  }
  // the first new key after each change: new keys are changes too, so one backward pass, no search
  const nextNew: (Uint8Array | undefined)[] = new Array(changes.length);
  let after: Uint8Array | undefined;
  for (let j = changes.length - 1; j >= 0; j--) {
    nextNew[j] = after;
    if (isNew[j]) after = changes[j].key;
  }
  const smaller = (a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | null =>
    a && b ? (compareKeys(a, b) < 0 ? a : b) : (a ?? b ?? null);
  for (let j = 0; j < changes.length; j++) {
    const index = indexes[j];
    if (index === undefined) continue;
    const c = changes[j];
    const next = smaller(reader.higherKey(c.key), nextNew[j]);
    leaves.set(index, hashLeaf(c.key, c.value === null ? null : hashValue(c.value), next));
  }
  for (let j = 0; j < newKeys.length; j++) {
    const pred = reader.lowerKey(newKeys[j]) ?? SENTINEL_KEY;
    // a new key between them is the predecessor instead, and was hashed with the changes
    if (j > 0 && compareKeys(newKeys[j - 1], pred) > 0) continue;
    const index = pred.length === 0 ? 0 : reader.keyIndex(pred);
    if (index === undefined) throw new Error("a key of the sorted set has no leaf");
    if (leaves.has(index)) continue; // changed in this block: already hashed with its new next
    const v = pred.length === 0 ? undefined : reader.value(pred);
    // its successor among old and new keys is the new key it precedes
    leaves.set(index, hashLeaf(pred, v === undefined ? null : hashValue(v), newKeys[j]));
  }
  if (firstBlock && !leaves.has(0)) leaves.set(0, hashLeaf(SENTINEL_KEY, null, newKeys[0] ?? null));
  const nodes: NodeWrite[] = [];
  let level = leaves;
  for (let l = 0; l < TREE_DEPTH; l++) {
    const parents = new Map<number, Uint8Array>();
    const sorted = [...level.keys()].sort((a, b) => a - b);
    for (const i of sorted) {
      nodes.push({ level: l, index: i, hash: level.get(i)! });
      const p = Math.floor(i / 2);
      if (parents.has(p)) continue;
      const left = p * 2;
      const right = left + 1;
      const lh = level.get(left) ?? reader.node(l, left) ?? ZERO_HASHES[l];
      const rh = level.get(right) ?? reader.node(l, right) ?? ZERO_HASHES[l];
      parents.set(p, hashInner(lh, rh));
    }
    level = parents;
  }
  const top = level.get(0) ?? reader.node(TREE_DEPTH, 0) ?? ZERO_HASHES[TREE_DEPTH];
  if (level.size > 0) nodes.push({ level: TREE_DEPTH, index: 0, hash: top });
  return { root: hashRoot(top, leafCount), leafCount, newIndexes, nodes };
}

/** In-memory CommitmentReader + apply, for genesis and tests: it keeps the values it was given. */
export class MemoryCommitment implements CommitmentReader {
  private readonly indexes = new Map<string, number>();
  private readonly values = new Map<string, Uint8Array>();
  private readonly nodes = new Map<string, Uint8Array>();
  private readonly keys = new SortedKeys();
  private count = 0;
  keyIndex(key: Uint8Array): number | undefined {
    return this.indexes.get(keyToString(key));
  }
  node(level: number, index: number): Uint8Array | undefined {
    return this.nodes.get(`${level}:${index}`);
  }
  leafCount(): number {
    return this.count;
  }
  value(key: Uint8Array): Uint8Array | undefined {
    return this.values.get(keyToString(key));
  }
  lowerKey(key: Uint8Array): Uint8Array | undefined {
    return this.keys.lower(key);
  }
  higherKey(key: Uint8Array): Uint8Array | undefined {
    return this.keys.higher(key);
  }
  /** Commits `u`, computed from exactly these `changes`. */
  apply(u: CommitmentUpdate, changes: readonly Change[]): void {
    for (const n of u.newIndexes) {
      this.indexes.set(keyToString(n.key), n.index);
      this.keys.add(n.key);
    }
    for (const c of changes) {
      if (c.value === null) this.values.delete(keyToString(c.key));
      else this.values.set(keyToString(c.key), c.value);
    }
    for (const n of u.nodes) this.nodes.set(`${n.level}:${n.index}`, n.hash);
    this.count = u.leafCount;
  }
}
