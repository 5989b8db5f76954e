import { describe, expect, it } from "vitest";
import { eventMap, matches, parseQuery } from "#rpc/query.ts";

const ev = eventMap(
  [
    {
      type: "transfer",
      attributes: [
        { key: "amount", value: "5stra" },
        { key: "recipient", value: "strata1abc" },
      ],
    },
    { type: "message", attributes: [{ key: "sender", value: "strata1xyz" }] },
  ],
  { "tm.event": "Tx", "tx.height": "12" },
);

describe("event queries", () => {
  it("matches equality, numeric comparisons, CONTAINS, EXISTS and AND", () => {
    expect(matches(parseQuery("tm.event='Tx'"), ev)).toBe(true);
    expect(matches(parseQuery("tm.event='NewBlock'"), ev)).toBe(false);
    expect(matches(parseQuery("tx.height=12"), ev)).toBe(true);
    expect(matches(parseQuery("tx.height>11 AND tx.height<=12"), ev)).toBe(true);
    expect(matches(parseQuery("tx.height>12"), ev)).toBe(false);
    expect(matches(parseQuery("transfer.amount CONTAINS 'stra'"), ev)).toBe(true);
    expect(matches(parseQuery("message.sender EXISTS"), ev)).toBe(true);
    expect(matches(parseQuery("tm.event='Tx' AND message.sender='strata1xyz'"), ev)).toBe(true);
    expect(matches(parseQuery("tm.event='Tx' AND message.sender='strata1other'"), ev)).toBe(false);
  });
  it("rejects malformed queries with a message naming the condition", () => {
    expect(() => parseQuery("")).toThrow(/non-empty/);
    expect(() => parseQuery("tm.event=='x'")).toThrow(/tm.event=='x'/);
    expect(() => parseQuery("a='1' OR b='2'")).toThrow(/cannot parse/);
    expect(() => parseQuery("x".repeat(600))).toThrow(/512/);
  });
});
