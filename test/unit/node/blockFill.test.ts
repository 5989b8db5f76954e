// The proposer fills its block with what this node executes in the target time, within a tenth of
// the budget and the budget; the cost per gas it goes by is measured on real blocks only.
import { describe, expect, it } from "vitest";
import { MIN_MEASURED_GAS, nextNsPerGas, proposalGasCap } from "../../../node/blockFill.ts";

describe("block fill", () => {
  const max = 100_000_000n;
  it("fills what the measured rate executes in the target time, clamped to [max/10, max]", () => {
    expect(proposalGasCap(max, 0, 500)).toBe(max); // nothing measured yet: the budget
    expect(proposalGasCap(max, 2, 500)).toBe(max); // fast: 250 M gas in 500 ms > budget
    expect(proposalGasCap(max, 10, 500)).toBe(50_000_000n);
    expect(proposalGasCap(max, 1e6, 500)).toBe(max / 10n); // very slow: never below a tenth
    expect(proposalGasCap(max, Number.NaN, 500)).toBe(max);
  });

  it("averages the cost per gas over blocks big enough to say something", () => {
    expect(nextNsPerGas(0, 1000, 100_000_000n)).toBe(10);
    expect(nextNsPerGas(10, 1000, MIN_MEASURED_GAS - 1n)).toBe(10); // an almost empty block: ignored
    expect(nextNsPerGas(10, 4000, 100_000_000n)).toBeCloseTo(10 * (2 / 3) + 40 / 3);
  });
});
