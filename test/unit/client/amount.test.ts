import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatUnits, parseAmount } from "#client/amount.ts";

describe("amounts", () => {
  it("parses whole and decimal amounts with denoms", () => {
    expect(parseAmount("100stra")).toEqual({ denom: "stra", amount: 100n * 10n ** 18n });
    expect(parseAmount("2.5ststra")).toEqual({ denom: "ststra", amount: 25n * 10n ** 17n });
    expect(parseAmount("0.000000000000000001rststra").amount).toBe(1n);
  });
  it("rejects unknown denoms, too many decimals, zero and junk", () => {
    expect(() => parseAmount("5atom")).toThrow(/unknown denom/);
    expect(() => parseAmount("0.0000000000000000001stra")).toThrow(/decimals/);
    expect(() => parseAmount("0stra")).toThrow(/greater than zero/);
    expect(() => parseAmount("-1stra")).toThrow(/invalid amount/);
    expect(() => parseAmount("stra")).toThrow(/invalid amount/);
  });
  it("format and parse round-trip", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 128n) - 1n }), (n) => {
        expect(parseAmount(formatUnits(n) + "stra").amount).toBe(n);
      }),
    );
  });
});
