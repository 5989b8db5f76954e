import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CompactBlock, fromCompact, toCompact, txKey } from "#node/compactBlock.ts";
import { Block, type BlockValue } from "#state/encoding/types.ts";
import { sha256 } from "#state/crypto/hash.ts";

const header = Block.defaultValue().header;
const blockOf = (txs: Uint8Array[]): BlockValue => ({ ...Block.defaultValue(), header: { ...header, height: 7 }, txs });

describe("compact blocks", () => {
  it("round-trips any block whose txs the receiver holds, byte for byte", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 40 }), (txs) => {
        const block = blockOf(txs);
        const wire = CompactBlock.deserialize(CompactBlock.serialize(toCompact(block)));
        const pool = new Map(txs.map((t) => [txKey(sha256(t)), t]));
        const r = fromCompact(wire, (k) => pool.get(k));
        expect("block" in r).toBe(true);
        if ("block" in r)
          expect(Buffer.from(Block.serialize(r.block)).equals(Buffer.from(Block.serialize(block)))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("names exactly the txs the receiver lacks, in block order", () => {
    const txs = [1, 2, 3, 4].map((i) => Uint8Array.of(i, i, i));
    const pool = new Map([txs[0]!, txs[2]!].map((t) => [txKey(sha256(t)), t]));
    const r = fromCompact(toCompact(blockOf(txs)), (k) => pool.get(k));
    expect("missing" in r && r.missing.map(txKey)).toEqual([txs[1]!, txs[3]!].map((t) => txKey(sha256(t))));
  });

  it("is smaller on the wire than the block once txs are bigger than their hash", () => {
    const txs = Array.from({ length: 100 }, (_, i) => new Uint8Array(250).fill(i));
    expect(CompactBlock.serialize(toCompact(blockOf(txs))).length * 5).toBeLessThan(
      Block.serialize(blockOf(txs)).length,
    );
  });
});
