// Timeouts account for block size: the allowance follows the measured execution of the latest
// block, twice it, bounded; after a large block it decays rather than dropping at once.
import { describe, expect, it } from "vitest";
import { MAX_ALLOWANCE_MS, nextExecEstimate, timeoutAllowanceMs } from "#node/timeoutAllowance.ts";

describe("timeout allowance", () => {
  it("is twice the latest execution time, never negative, at most MAX_ALLOWANCE_MS", () => {
    expect(timeoutAllowanceMs(0)).toBe(0);
    expect(timeoutAllowanceMs(-5)).toBe(0);
    expect(timeoutAllowanceMs(400)).toBe(800);
    expect(timeoutAllowanceMs(1e9)).toBe(MAX_ALLOWANCE_MS);
  });

  it("takes a larger block's time at once and lets a smaller one bring it down gradually", () => {
    expect(nextExecEstimate(100, 900)).toBe(900);
    expect(nextExecEstimate(900, 10)).toBeCloseTo(630);
    let e = 900;
    for (let i = 0; i < 20; i++) e = nextExecEstimate(e, 10);
    expect(e).toBe(10);
  });
});
