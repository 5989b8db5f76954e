// Timeouts account for block size: the allowance follows the measured execution of the latest
// block, twice it, bounded; after a large block it decays rather than dropping at once.
import { describe, expect, it } from "vitest";
import {
  expectedExecMs,
  MAX_ALLOWANCE_MS,
  nextExecEstimate,
  nextPerTxEstimate,
  PER_TX_MIN_TXS,
  PRIOR_PER_TX_MS,
  timeoutAllowanceMs,
} from "#node/timeoutAllowance.ts";

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

  it("when load starts after empty blocks, sizes the timeouts by the txs waiting, not by the empty block", () => {
    // idle: the latest block took 3 ms; 3,000 transfers are now pending for the next one
    const execMs = expectedExecMs(3, PRIOR_PER_TX_MS, 3000);
    expect(execMs).toBe(3000 * PRIOR_PER_TX_MS);
    expect(timeoutAllowanceMs(execMs)).toBe(2 * 3000 * PRIOR_PER_TX_MS);
    // nothing pending: the latest block's time, as before
    expect(expectedExecMs(3, PRIOR_PER_TX_MS, 0)).toBe(3);
    // a slow large block measured here outweighs the expectation
    expect(expectedExecMs(4000, 0.2, 3000)).toBe(4000);
  });

  it("learns the per-tx time from blocks large enough to say it", () => {
    expect(nextPerTxEstimate(PRIOR_PER_TX_MS, 900, 3000)).toBeCloseTo(0.3);
    expect(nextPerTxEstimate(0.3, 50, PER_TX_MIN_TXS - 1)).toBe(0.3); // fixed costs dominate a small block
  });
});
