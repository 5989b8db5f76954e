// Proofs against the state root (commitment.ts) that a key holds a value, or holds none.
//   member: the key's own leaf (key, H(value), next) and its 32 siblings.
//   absent: one leaf (leafKey, leafValueHash or tombstone, next) and its siblings, where either
//     leafKey = key and the leaf is a tombstone (the key was deleted), or
//     leafKey < key < next (or next = end): the "low leaf" skips over the key, and since the
//     list of leaves is sorted and complete, no leaf of the key exists.
// verifyKeyProof is pure and strict: clients run it on JSON from a node they do not trust.
import {
  compareKeys,
  hashInner,
  hashLeaf,
  hashRoot,
  hashValue,
  leafIndexOf,
  MAX_KEY_LENGTH,
  SENTINEL_KEY,
  TREE_DEPTH,
  ZERO_HASHES,
  type CommitmentReader,
} from "./commitment.ts";

type Path = { index: number; leafCount: number; siblings: Uint8Array[] };
export type MembershipProof = Path & { kind: "member"; next: Uint8Array | null };
export type AbsenceProof = Path & {
  kind: "absent";
  leafKey: Uint8Array;
  /** null = the leaf is a tombstone */
  leafValueHash: Uint8Array | null;
  next: Uint8Array | null;
};
export type KeyProof = MembershipProof | AbsenceProof;

/** A proof for `key` in the committed state: membership if it has a value, absence if not. */
export function proveKey(reader: CommitmentReader, key: Uint8Array): KeyProof {
  if (reader.leafCount() === 0) throw new Error("no state committed yet");
  const own = leafIndexOf(reader, key);
  if (own !== undefined) {
    const value = key.length === 0 ? undefined : reader.value(key);
    const next = reader.higherKey(key) ?? null;
    const path = pathOf(reader, own);
    if (value !== undefined) return { kind: "member", ...path, next };
    return { kind: "absent", ...path, leafKey: key, leafValueHash: null, next };
  }
  const low = reader.lowerKey(key) ?? SENTINEL_KEY;
  const index = leafIndexOf(reader, low);
  if (index === undefined) throw new Error("a key of the sorted set has no leaf");
  const v = low.length === 0 ? undefined : reader.value(low);
  return {
    kind: "absent",
    ...pathOf(reader, index),
    leafKey: low,
    leafValueHash: v === undefined ? null : hashValue(v),
    next: reader.higherKey(low) ?? null,
  };
}

function pathOf(reader: CommitmentReader, index: number): Path {
  const siblings: Uint8Array[] = [];
  let i = index;
  for (let l = 0; l < TREE_DEPTH; l++) {
    siblings.push(reader.node(l, i ^ 1) ?? ZERO_HASHES[l]);
    i = Math.floor(i / 2);
  }
  return { index, leafCount: reader.leafCount(), siblings };
}

/**
 * True iff `proof` shows that, in the state whose root is `stateRoot`, `key` holds `value`
 * (value ≠ null, a membership proof) or holds nothing (value = null, an absence proof).
 */
export function verifyKeyProof(
  stateRoot: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | null,
  proof: KeyProof,
): boolean {
  if (!validPath(proof) || !validKey(key) || !validNext(proof.next)) return false;
  let leaf: Uint8Array;
  if (proof.kind === "member") {
    if (value === null) return false; // a membership proof cannot show absence
    leaf = hashLeaf(key, hashValue(value), proof.next);
  } else {
    // (an unknown kind never gets here: the JSON decoder, client/keyProofJson.ts, refuses it)
    if (value !== null) return false; // nor an absence proof a value
    if (!validKey(proof.leafKey)) return false;
    if (proof.leafValueHash !== null && proof.leafValueHash.length !== 32) return false;
    if (compareKeys(proof.leafKey, key) === 0) {
      // the key's own leaf: absent only if it is a tombstone
      if (proof.leafValueHash !== null) return false;
    } else {
      // a low leaf: it must come before the key and its next pointer after it
      if (compareKeys(proof.leafKey, key) > 0) return false;
      if (proof.next !== null && compareKeys(key, proof.next) >= 0) return false;
    }
    leaf = hashLeaf(proof.leafKey, proof.leafValueHash, proof.next);
  }
  let h = leaf;
  let i = proof.index;
  for (let l = 0; l < TREE_DEPTH; l++) {
    h = i % 2 === 0 ? hashInner(h, proof.siblings[l]) : hashInner(proof.siblings[l], h);
    i = Math.floor(i / 2);
  }
  return equalBytes(hashRoot(h, proof.leafCount), stateRoot);
}

function validPath(p: Path): boolean {
  // leafCount is bound in the root, but only modulo 2^64 (a u64 in hashRoot); the index must be
  // a real leaf of it, or index ± 2^32 or a fraction would walk the same path under another name
  if (!Number.isInteger(p.leafCount) || p.leafCount > 2 ** TREE_DEPTH) return false;
  if (!Number.isInteger(p.index) || p.index < 0 || p.index >= p.leafCount) return false;
  if (p.siblings.length !== TREE_DEPTH) return false;
  return p.siblings.every((s) => s.length === 32);
}

function validKey(k: Uint8Array): boolean {
  return k.length <= MAX_KEY_LENGTH;
}

function validNext(n: Uint8Array | null): boolean {
  return n === null || validKey(n);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
