import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { blockTime, medianTime } from "#consensus/medianTime.ts";
import { BlockIdFlag, type CommitValue } from "#state/encoding/types.ts";

const commit = (sigs: { flag: number; t: number }[]): CommitValue => ({
  height: 1,
  round: 0,
  blockId: new Uint8Array(32),
  signatures: sigs.map((s) => ({
    flag: s.flag,
    validator: new Uint8Array(20),
    timestamp: s.t,
    signature: new Uint8Array(64),
  })),
});
const C = BlockIdFlag.Commit;

describe("BFT time", () => {
  it("is the power-weighted median of the committed precommits (CometBFT's MedianTime)", () => {
    // powers 40/30/20/10: sorted by time 100(10) 200(20) 300(30) 400(40); half of 100 = 50 → 300
    const c = commit([
      { flag: C, t: 400 },
      { flag: C, t: 300 },
      { flag: C, t: 200 },
      { flag: C, t: 100 },
    ]);
    expect(medianTime(c, [{ power: 40 }, { power: 30 }, { power: 20 }, { power: 10 }])).toBe(300);
    // absent and nil entries do not count
    const d = commit([
      { flag: C, t: 400 },
      { flag: BlockIdFlag.Absent, t: 0 },
      { flag: BlockIdFlag.Nil, t: 1 },
      { flag: C, t: 100 },
    ]);
    expect(medianTime(d, [{ power: 40 }, { power: 30 }, { power: 20 }, { power: 10 }])).toBe(400);
    expect(medianTime(commit([]), [])).toBeUndefined();
  });

  it("validators with less than half of the signed power cannot move it outside the others' range", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            honestT: fc.integer({ min: 1_000, max: 2_000 }),
            power: fc.integer({ min: 1, max: 100 }),
            faulty: fc.boolean(),
            lie: fc.integer({ min: 0, max: 1e12 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (vs) => {
          const total = vs.reduce((a, v) => a + v.power, 0);
          const faulty = vs.filter((v) => v.faulty).reduce((a, v) => a + v.power, 0);
          fc.pre(faulty * 2 < total);
          const m = medianTime(commit(vs.map((v) => ({ flag: C, t: v.faulty ? v.lie : v.honestT }))), vs)!;
          const honest = vs.filter((v) => !v.faulty).map((v) => v.honestT);
          expect(m).toBeGreaterThanOrEqual(Math.min(...honest));
          expect(m).toBeLessThanOrEqual(Math.max(...honest));
        },
      ),
    );
  });

  it("moves forward: genesis + 1 ms for the first block, never at or before the last block", () => {
    expect(blockTime(commit([]), [], 5_000)).toBe(5_001);
    expect(blockTime(commit([{ flag: C, t: 4_000 }]), [{ power: 1 }], 5_000)).toBe(5_001);
    expect(blockTime(commit([{ flag: C, t: 9_000 }]), [{ power: 1 }], 5_000)).toBe(9_000);
  });
});
