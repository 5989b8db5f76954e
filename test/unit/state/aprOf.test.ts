// The LST and LRT APR (state/shareToken.ts aprOf): null until the recorded rates span the minimum
// window, then measured from the oldest point of the APR window, so one epoch's step is spread
// over the window instead of being annualised on its own.
import { describe, expect, it } from "vitest";
import { APR_MIN_WINDOW_MS, APR_WINDOW_MS, aprOf } from "#state/shareToken.ts";

const E18 = 10n ** 18n;
const YEAR = 31_536_000_000;
const MIN = 60_000;
/** one point per `stepMs`, rate from `rates` */
const history = (rates: bigint[], stepMs: number, t0 = 1_000_000) =>
  rates.map((rate, i) => ({ time: t0 + i * stepMs, rate }));
/** the APR as a fraction per year (1 = 100 %) */
const pct = (apr: string | null) => (apr === null ? null : Number(BigInt(apr) / 10n ** 12n) / 1e6);

describe("aprOf", () => {
  it("is null, not 0, with no history, one point, or points spanning less than the minimum window", () => {
    expect(aprOf([])).toBeNull();
    expect(aprOf(history([E18], MIN))).toBeNull();
    expect(aprOf(history([E18, E18 + E18 / 100n], APR_MIN_WINDOW_MS - 1))).toBeNull();
    expect(aprOf(history([0n, E18], APR_MIN_WINDOW_MS))).toBeNull();
  });

  it("annualises the change over the whole window once it spans the minimum", () => {
    // +0.1 % over 10 minutes
    const apr = aprOf(history([E18, E18 + E18 / 1000n], APR_MIN_WINDOW_MS));
    expect(pct(apr)).toBeCloseTo((0.001 * YEAR) / APR_MIN_WINDOW_MS, 3);
    // a falling rate is a negative APR
    expect(BigInt(aprOf(history([E18, E18 - E18 / 1000n], APR_MIN_WINDOW_MS))!)).toBeLessThan(0n);
  });

  it("smooths: one epoch's step is spread over the window, not annualised alone", () => {
    // 60 epochs of a minute, flat, then one step of +0.01 %: over the hour ≈ 86 %/year, where
    // the last two points alone would read ≈ 5,256 %/year (below 100 % here)
    const rates = [...Array.from({ length: 61 }, () => E18), E18 + E18 / 10_000n];
    const apr = pct(aprOf(history(rates, MIN)));
    expect(apr).toBeCloseTo((0.0001 * YEAR) / (61 * MIN), 3);
    expect(apr).toBeLessThan(1);
  });

  it("measures from the oldest point inside the window: older points are left out", () => {
    const old = { time: 0, rate: E18 / 2n }; // would read as a doubling
    const recent = history([E18, E18 + E18 / 1000n], APR_MIN_WINDOW_MS, APR_WINDOW_MS + 1);
    expect(aprOf([old, ...recent])).toBe(aprOf(recent));
  });
});
