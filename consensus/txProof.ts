// Tx inclusion proofs against a header's data_hash (txsHash = SSZ hash_tree_root of the block's
// tx list, consensus/blockHashes.ts). The list's root is the Merkle root of its elements' roots
// over a tree of MAX_TXS_PER_BLOCK leaves (depth 16, empty leaves are zero hashes), mixed with the
// list length; an element's root is the ByteList's own hash_tree_root. A proof is the element's
// index, the list length and the 16 sibling hashes on the path: the same job as CometBFT's
// `TxProof {root_hash, data, proof: {total, index, leaf_hash, aunts}}`, with SSZ's hashing.
import { ByteListType } from "@chainsafe/ssz";
import { MAX_TX_BYTES, MAX_TXS_PER_BLOCK } from "../state/encoding/types.ts";
import { sha256 } from "../state/crypto/hash.ts";

const TxBytes = new ByteListType(MAX_TX_BYTES);
export const TX_TREE_DEPTH = Math.log2(MAX_TXS_PER_BLOCK);

const ZERO: Uint8Array[] = [new Uint8Array(32)];
for (let i = 0; i < TX_TREE_DEPTH; i++) ZERO.push(pair(ZERO[i], ZERO[i]));

function pair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64);
  buf.set(a, 0);
  buf.set(b, 32);
  return sha256(buf);
}

/** SSZ mix_in_length: the root with the list length as a little-endian uint256. */
function mixInLength(root: Uint8Array, length: number): Uint8Array {
  const len = new Uint8Array(32);
  new DataView(len.buffer).setBigUint64(0, BigInt(length), true);
  return pair(root, len);
}

export type TxProofValue = { total: number; index: number; leafHash: Uint8Array; aunts: Uint8Array[] };

/** The levels of a block's tx tree up to the highest non-empty one (a server may keep it for more proofs). */
export type TxTree = { total: number; levels: Uint8Array[][] };

/** PERF: one SSZ root per tx plus about as many inner hashes: O(txs). */
export function txTree(txs: readonly Uint8Array[]): TxTree {
  const levels: Uint8Array[][] = [txs.map((t) => TxBytes.hashTreeRoot(t))];
  for (let d = 0; d < TX_TREE_DEPTH; d++) {
    const level = levels[d];
    const next: Uint8Array[] = [];
    for (let k = 0; k < level.length; k += 2) next.push(pair(level[k], level[k + 1] ?? ZERO[d]));
    levels.push(next);
  }
  return { total: txs.length, levels };
}

/** The proof of element `index` from a block's tx tree. PERF: O(depth). */
export function proveFromTree(tree: TxTree, index: number): TxProofValue {
  if (!Number.isInteger(index) || index < 0 || index >= tree.total)
    throw new Error(`tx index ${index} out of range (${tree.total} txs)`);
  const aunts: Uint8Array[] = [];
  let i = index;
  for (let d = 0; d < TX_TREE_DEPTH; d++) {
    aunts.push(tree.levels[d][i ^ 1] ?? ZERO[d]);
    i >>= 1;
  }
  return { total: tree.total, index, leafHash: tree.levels[0][index], aunts };
}

/** The proof that txs[index] is in the list whose root is txsHashOf(txs). PERF: O(txs) hashes. */
export function proveTx(txs: readonly Uint8Array[], index: number): TxProofValue {
  return proveFromTree(txTree(txs), index);
}

/** Whether `tx` is element `proof.index` of the tx list whose root is `dataHash`. Pure; clients use it. */
export function verifyTxProof(dataHash: Uint8Array, tx: Uint8Array, proof: TxProofValue): boolean {
  if (proof.aunts.length !== TX_TREE_DEPTH) return false;
  if (
    !Number.isInteger(proof.total) ||
    !Number.isInteger(proof.index) ||
    proof.index < 0 ||
    proof.index >= proof.total ||
    proof.total > MAX_TXS_PER_BLOCK
  )
    return false;
  let h = TxBytes.hashTreeRoot(tx);
  if (Buffer.compare(h, proof.leafHash) !== 0) return false;
  let i = proof.index;
  for (let d = 0; d < TX_TREE_DEPTH; d++) {
    h = i % 2 === 0 ? pair(h, proof.aunts[d]) : pair(proof.aunts[d], h);
    i >>= 1;
  }
  return Buffer.compare(mixInLength(h, proof.total), dataHash) === 0;
}
