// A block's stored results are the same JSON document as JSON.stringify with bigints as strings.
import { describe, expect, it } from "vitest";
import { blockResultsJson } from "../../../node/blockResultsJson.ts";
import { MemChain, send, testKey } from "../../fixtures/memChain.ts";
import type { TxResult } from "../../../state/tx/processTx.ts";

const reference = (results: TxResult[]) => JSON.stringify(results, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

describe("blockResultsJson", () => {
  it("equals JSON.stringify of the results (bigints as strings) for a block of successes and failures", () => {
    const c = new MemChain();
    const [a, b] = [testKey(0), testKey(1)];
    const results = c.block([send(a, b.address, 5n, 0n), send(a, b.address, 5n, 0n), send(b, a.address, 10n ** 30n, 0n), send(b, a.address, 1n, 1n, { fee: 1n })]);
    expect(results.some((r) => r.code !== 0)).toBe(true);
    const got = blockResultsJson(results, results.map((r) => JSON.stringify(r.events)));
    expect(got).toBe(reference(results));
    expect(blockResultsJson([], [])).toBe("[]");
  });

  it("escapes logs like JSON.stringify", () => {
    const r: TxResult = { hash: "AB", gasWanted: 1n, code: 7, log: 'quote " backslash \\ newline \n unicode é \u2028', gasUsed: 0n, events: [], charged: false };
    expect(JSON.parse(blockResultsJson([r], ["[]"]))).toEqual(JSON.parse(reference([r])));
  });
});
