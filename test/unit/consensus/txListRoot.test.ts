// txListRoot must give exactly the SSZ root @chainsafe/ssz gives for List[ByteList[MAX_TX_BYTES],
// MAX_TXS_PER_BLOCK]: the header's txsHash and every tx proof depend on it. Compared on random
// lists, and on the edges where padding decides: no txs, empty txs, one chunk, chunk boundaries,
// odd and even counts, the largest tx.
import { ByteListType, ListCompositeType } from "@chainsafe/ssz";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { txListRoot } from "#consensus/txListRoot.ts";
import { MAX_TX_BYTES, MAX_TXS_PER_BLOCK } from "#state/encoding/types.ts";

const TxList = new ListCompositeType(new ByteListType(MAX_TX_BYTES), MAX_TXS_PER_BLOCK);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, j) => (seed * 131 + j * 7) & 0xff);

describe("txListRoot", () => {
  it("equals the SSZ library's root at the padding edges", () => {
    const lists: Uint8Array[][] = [
      [],
      [new Uint8Array(0)],
      [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
      [bytes(1, 1)],
      [bytes(31, 2), bytes(32, 3), bytes(33, 4)],
      [bytes(64, 5), bytes(65, 6), bytes(0, 7), bytes(96, 8)],
      [bytes(MAX_TX_BYTES, 9)],
      [bytes(MAX_TX_BYTES - 1, 10), bytes(200, 11)],
      Array.from({ length: 257 }, (_, i) => bytes(150 + (i % 90), i)),
    ];
    for (const txs of lists) expect(hex(txListRoot(txs))).toBe(hex(TxList.hashTreeRoot(txs)));
  });

  it("equals the SSZ library's root on random lists", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 40 }), (txs) => {
        expect(hex(txListRoot(txs))).toBe(hex(TxList.hashTreeRoot(txs)));
      }),
      { numRuns: 300 },
    );
  });

  it("changes when one byte of one tx changes, or the order of two txs", () => {
    const txs = [bytes(100, 1), bytes(120, 2), bytes(140, 3)];
    const root = hex(txListRoot(txs));
    const flipped = txs.map((t) => Uint8Array.from(t));
    flipped[1][119] ^= 1;
    expect(hex(txListRoot(flipped))).not.toBe(root);
    expect(hex(txListRoot([txs[1], txs[0], txs[2]]))).not.toBe(root);
  });

  it("refuses a tx over MAX_TX_BYTES instead of hashing it", () => {
    expect(() => txListRoot([new Uint8Array(MAX_TX_BYTES + 1)])).toThrow(/exceeds/);
  });
});
