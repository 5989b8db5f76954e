// Tx inclusion proofs: the root a proof climbs to is exactly the header's txsHash (SSZ), for
// every position of lists of several sizes; any tampering (tx, index, total, a sibling, the
// leaf) fails.
import { describe, expect, it } from "vitest";
import { txsHashOf } from "#consensus/blockHashes.ts";
import { proveTx, verifyTxProof } from "#consensus/txProof.ts";

const txs = (n: number) =>
  Array.from({ length: n }, (_, i) => Uint8Array.from({ length: 10 + (i % 70) }, (_, j) => (i * 31 + j) & 0xff));

describe("tx proofs", () => {
  it("every tx of lists of 1, 2, 3, 8 and 33 txs verifies against txsHashOf", () => {
    for (const n of [1, 2, 3, 8, 33]) {
      const list = txs(n);
      const root = txsHashOf(list);
      for (let i = 0; i < n; i++) expect(verifyTxProof(root, list[i], proveTx(list, i))).toBe(true);
    }
  });

  it("a tampered tx, index, total, sibling or leaf fails", () => {
    const list = txs(5);
    const root = txsHashOf(list);
    const p = proveTx(list, 2);
    const other = Uint8Array.from(list[2]);
    other[0] ^= 1;
    expect(verifyTxProof(root, other, p)).toBe(false);
    expect(verifyTxProof(root, list[3], p)).toBe(false);
    expect(verifyTxProof(root, list[2], { ...p, index: 3 })).toBe(false);
    expect(verifyTxProof(root, list[2], { ...p, total: 6 })).toBe(false);
    const aunts = p.aunts.map((a) => Uint8Array.from(a));
    aunts[0][0] ^= 1;
    expect(verifyTxProof(root, list[2], { ...p, aunts })).toBe(false);
    expect(verifyTxProof(root, list[2], { ...p, aunts: p.aunts.slice(1) })).toBe(false);
    expect(verifyTxProof(txsHashOf(txs(6)), list[2], p)).toBe(false);
  });
});
