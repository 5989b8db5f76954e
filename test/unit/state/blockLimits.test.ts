import { describe, expect, it } from "vitest";
import { getBlockLimitViolation } from "#state/blockLimits.ts";
import { DEFAULT_BLOCK_PARAMS } from "#state/params.ts";
import { parseBlockParams } from "#state/paramsParse.ts";

describe("block budget", () => {
  const p = { maxTxs: 3, maxBytes: 1000, maxGas: 100n };
  it("names the limit a block exceeds: count, bytes, gas", () => {
    expect(
      getBlockLimitViolation(p, [
        { bytes: 300, gas: 30n },
        { bytes: 300, gas: 70n },
      ]),
    ).toBeUndefined();
    expect(
      getBlockLimitViolation(
        p,
        Array.from({ length: 4 }, () => ({ bytes: 1, gas: 1n })),
      ),
    ).toMatch(/4 txs, limit 3/);
    expect(
      getBlockLimitViolation(p, [
        { bytes: 600, gas: 1n },
        { bytes: 401, gas: 1n },
      ]),
    ).toMatch(/1001 bytes, limit 1000/);
    expect(
      getBlockLimitViolation(p, [
        { bytes: 1, gas: 60n },
        { bytes: 1, gas: 41n },
      ]),
    ).toMatch(/101 gas, limit 100/);
  });
  it("maxGas is a param: defaults to 80 M, changeable, never below what one tx may need", () => {
    const fail = (f: string, why: string): never => {
      throw new Error(`${f}: ${why}`);
    };
    expect(DEFAULT_BLOCK_PARAMS.maxGas).toBe(80_000_000n);
    expect(parseBlockParams({ maxGas: "250000000" }, DEFAULT_BLOCK_PARAMS, 65536, "params.block", fail).maxGas).toBe(
      250_000_000n,
    );
    expect(() => parseBlockParams({ maxGas: "1000" }, DEFAULT_BLOCK_PARAMS, 65536, "params.block", fail)).toThrow(
      /maxGas: must be at least/,
    );
  });
});
