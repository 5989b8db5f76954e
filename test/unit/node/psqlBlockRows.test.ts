import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { blockRows, numericValue, pgText } from "#node/psqlBlockRows.ts";
import type { BlockValue } from "#state/encoding/types.ts";

const block = (txs: Uint8Array[]) =>
  ({ header: { time: 1_700_000_000_000, proposer: new Uint8Array(20).fill(0xab) }, txs }) as unknown as BlockValue;

describe("psql block rows", () => {
  it("adds CometBFT's block.height event and each tx's tx.hash / tx.height event, and links events to txs and attributes to events", () => {
    const r = blockRows(7, new Uint8Array(32).fill(1), block([Uint8Array.of(1), Uint8Array.of(2)]), [
      {
        hash: "AA",
        code: 0,
        log: "",
        gasUsed: "10",
        events: [
          {
            type: "transfer",
            attributes: [
              { key: "amount", value: "5stra" },
              { key: "recipient", value: "strata1x" },
            ],
          },
        ],
      },
      { hash: "BB", code: 5, log: "no\u0000pe", gasUsed: 3, events: [] },
    ]);
    expect(r.events).toEqual({ tx: [-1, 0, 0, 1], type: ["block", "tx", "transfer", "tx"] });
    expect(r.attributes.event).toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(r.attributes.compositeKey).toEqual([
      "block.height",
      "tx.hash",
      "tx.height",
      "transfer.amount",
      "transfer.recipient",
      "tx.hash",
      "tx.height",
    ]);
    expect(r.attributes.value).toEqual(["7", "AA", "7", "5stra", "strata1x", "BB", "7"]);
    expect(r.attributes.valueNum).toEqual([7, null, 7, null, null, null, 7]);
    expect(r.txs.log).toEqual(["", "no\uFFFDpe"]);
    expect(r.txs.gasUsed).toEqual(["10", "3"]);
    expect(r.proposer).toBe("AB".repeat(20));
    expect(r.rowCount).toBe(1 + 2 + 4 + 7);
  });

  it("value_num is exactly what the kv index compares (Number(v)), NULL where that is NaN", () => {
    for (const [v, n] of [
      ["", 0],
      [" 12 ", 12],
      ["1e3", 1000],
      ["0x10", 16],
      ["5stra", null],
      ["-0", -0],
      ["Infinity", Number.POSITIVE_INFINITY],
    ] as const)
      expect(numericValue(v)).toBe(n);
    fc.assert(
      fc.property(fc.string(), (v) => {
        const n = numericValue(v);
        expect(n === null ? Number.isNaN(Number(v)) : Object.is(n, Number(v))).toBe(true);
      }),
    );
  });

  it("pgText keeps every string PostgreSQL can hold and replaces only U+0000", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(pgText(s).includes("\u0000")).toBe(false);
        expect(pgText(s).length).toBe(s.length);
        if (!s.includes("\u0000")) expect(pgText(s)).toBe(s);
      }),
    );
  });
});
