// evidenceSafeEnd: block pruning stops at the first height that evidence could still name,
// by block count or by time (both must have passed), and reads no block when the count alone
// keeps everything.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { evidenceSafeEnd } from "#node/pruning.ts";

const params = (maxAgeNumBlocks: number, maxAgeDurationMs: number) => ({ maxAgeNumBlocks, maxAgeDurationMs });

describe("evidenceSafeEnd", () => {
  it("keeps what the block count keeps, without reading a block", () => {
    const reads: number[] = [];
    const t = (h: number) => (reads.push(h), h * 1000);
    expect(evidenceSafeEnd(1, 50, { height: 100, time: 100_000 }, params(100, 0), t)).toBe(1);
    expect(reads).toEqual([]);
  });

  it("expires a height only when it is older than both the count and the duration", () => {
    const t = (h: number) => h * 1000; // a block a second
    // count passed below 90; time passed below 100 - 30 = 70 (age > 30 s) → 1..69 go
    expect(evidenceSafeEnd(1, 95, { height: 100, time: 100_000 }, params(10, 30_000), t)).toBe(70);
    // the wanted end is never passed
    expect(evidenceSafeEnd(1, 40, { height: 100, time: 100_000 }, params(10, 30_000), t)).toBe(40);
    // an age exactly at the limit is not expired (verifyEvidence expires only beyond it)
    expect(evidenceSafeEnd(1, 95, { height: 100, time: 100_000 }, params(10, 31_000), t)).toBe(69);
    expect(evidenceSafeEnd(1, 95, { height: 100, time: 100_000 }, params(90, 0), t)).toBe(10);
    expect(evidenceSafeEnd(1, 95, { height: 100, time: 100_000 }, params(89, 0), t)).toBe(11);
  });

  it("stops at a block whose time it cannot read", () => {
    const t = (h: number) => (h === 5 ? undefined : 0);
    expect(evidenceSafeEnd(1, 50, { height: 100, time: 1e9 }, params(1, 1), t)).toBe(5);
  });

  it("never lets a height go whose evidence verifyEvidence would still accept", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 70 }),
        (gaps, maxBlocks, maxMs, want) => {
          const times = [0];
          for (const g of gaps) times.push(times[times.length - 1] + g); // times[h], h = 1..
          const head = { height: gaps.length, time: times[gaps.length] };
          const end = evidenceSafeEnd(1, want, head, params(maxBlocks, maxMs), (h) => times[h]);
          expect(end).toBeLessThanOrEqual(Math.max(1, want));
          for (let h = 1; h < end; h++) {
            // what verifyEvidence checks: expired iff older than both limits
            expect(head.height - h > maxBlocks && head.time - times[h] > maxMs).toBe(true);
          }
        },
      ),
    );
  });
});
