// The state commitment: an index-addressed sparse Merkle tree of depth 32 over every key of the
// state. A key gets the next free index the first time it is written (new keys of a block in
// byte order, so every node assigns the same ones), like Cosmos account numbers. The tree of
// 2^32 leaves is mostly empty; empty subtrees hash to precomputed zero hashes, so only the paths
// of changed leaves are recomputed: O(changed × log2(keys)) hashes per block, not O(state).
// A membership proof is the leaf index plus 32 sibling hashes (see proveKey / verifyProof).
import { sha256 } from "../crypto/hash.ts";
import type { Change } from "./types.ts";

export const TREE_DEPTH = 32;

/** What the commitment needs from the committed store (LevelDB on a node, a Map in tests). */
export interface CommitmentReader {
  keyIndex(key: Uint8Array): number | undefined;
  /** Hash of node `index` at `level` (0 = leaves), or undefined if it is an empty subtree. */
  node(level: number, index: number): Uint8Array | undefined;
  leafCount(): number;
}

export type NodeWrite = { level: number; index: number; hash: Uint8Array };

export type CommitmentUpdate = {
  root: Uint8Array;
  leafCount: number;
  newIndexes: { key: Uint8Array; index: number }[];
  nodes: NodeWrite[];
};

const LEAF = 0x00;
const INNER = 0x01;
const ROOT = 0x02;

export const ZERO_HASHES: readonly Uint8Array[] = (() => {
  const z: Uint8Array[] = [new Uint8Array(32)];
  for (let l = 0; l < TREE_DEPTH; l++) z.push(hashInner(z[l], z[l]));
  return z;
})();

export function hashLeaf(key: Uint8Array, value: Uint8Array | null): Uint8Array {
  if (value === null) return ZERO_HASHES[0];
  const buf = new Uint8Array(3 + key.length + value.length);
  buf[0] = LEAF;
  buf[1] = key.length >> 8;
  buf[2] = key.length & 0xff;
  buf.set(key, 3);
  buf.set(value, 3 + key.length);
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

/**
 * Root after applying `changes` (sorted by key, as Overlay.changes() returns them).
 * PERF: one leaf hash per change plus one inner hash per distinct ancestor; sibling reads
 * go to the reader (LevelDB getSync behind a cache on a node).
 */
export function computeCommitment(reader: CommitmentReader, changes: readonly Change[]): CommitmentUpdate {
  let leafCount = reader.leafCount();
  const newIndexes: { key: Uint8Array; index: number }[] = [];
  let level = new Map<number, Uint8Array>();
  for (const c of changes) {
    let index = reader.keyIndex(c.key);
    if (index === undefined) {
      if (c.value === null) continue; // created and deleted before ever being committed
      if (leafCount >= 2 ** TREE_DEPTH) throw new Error("state tree full");
      index = leafCount++;
      newIndexes.push({ key: c.key, index });
    }
    level.set(index, hashLeaf(c.key, c.value));
  }
  const nodes: NodeWrite[] = [];
  for (let l = 0; l < TREE_DEPTH; l++) {
    const parents = new Map<number, Uint8Array>();
    const indexes = [...level.keys()].sort((a, b) => a - b);
    for (const i of indexes) {
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

export type MembershipProof = { index: number; leafCount: number; siblings: Uint8Array[] };

export function proveKey(reader: CommitmentReader, key: Uint8Array): MembershipProof | undefined {
  const index = reader.keyIndex(key);
  if (index === undefined) return undefined;
  const siblings: Uint8Array[] = [];
  let i = index;
  for (let l = 0; l < TREE_DEPTH; l++) {
    siblings.push(reader.node(l, i ^ 1) ?? ZERO_HASHES[l]);
    i = Math.floor(i / 2);
  }
  return { index, leafCount: reader.leafCount(), siblings };
}

/** Checks that `key = value` is in the state whose root is `stateRoot`. Pure; clients use it. */
export function verifyProof(
  stateRoot: Uint8Array,
  key: Uint8Array,
  value: Uint8Array,
  proof: MembershipProof,
): boolean {
  if (proof.siblings.length !== TREE_DEPTH) return false;
  if (!Number.isInteger(proof.index) || proof.index < 0 || proof.index >= proof.leafCount) return false;
  let h = hashLeaf(key, value);
  let i = proof.index;
  for (let l = 0; l < TREE_DEPTH; l++) {
    h = i % 2 === 0 ? hashInner(h, proof.siblings[l]) : hashInner(proof.siblings[l], h);
    i = Math.floor(i / 2);
  }
  return equalBytes(hashRoot(h, proof.leafCount), stateRoot);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** In-memory CommitmentReader + apply, for genesis and tests. */
export class MemoryCommitment implements CommitmentReader {
  private readonly indexes = new Map<string, number>();
  private readonly nodes = new Map<string, Uint8Array>();
  private count = 0;
  keyIndex(key: Uint8Array): number | undefined {
    return this.indexes.get(Buffer.from(key).toString("latin1"));
  }
  node(level: number, index: number): Uint8Array | undefined {
    return this.nodes.get(`${level}:${index}`);
  }
  leafCount(): number {
    return this.count;
  }
  apply(u: CommitmentUpdate): void {
    for (const n of u.newIndexes) this.indexes.set(Buffer.from(n.key).toString("latin1"), n.index);
    for (const n of u.nodes) this.nodes.set(`${n.level}:${n.index}`, n.hash);
    this.count = u.leafCount;
  }
}
