// Ported from CometBFT types/validator_set_test.go (expected values copied from there):
// TestProposerSelection1/2/3, TestAvgProposerPriority, TestAveragingInIncrementProposerPriority,
// TestAveragingInIncrementProposerPriorityWithVotingPower, TestSafeAddClip/SubClip,
// TestValSetUpdates*Errors, plus the −1.125 × total entry priority and a fairness property.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  computeAvgProposerPriority,
  copyIncrementProposerPriority,
  getByAddress,
  getProposer,
  incrementProposerPriority,
  newValidatorSet,
  safeAddClip,
  safeSubClip,
  updateWithChangeSet,
  MAX_TOTAL_VOTING_POWER,
  type Validator,
  type ValidatorSet,
} from "#consensus/validatorSet.ts";

const MAX = (1n << 63n) - 1n;
const MIN = -(1n << 63n);
const enc = (s: string) => new TextEncoder().encode(s);
const v = (name: string | Uint8Array, power: bigint) => ({
  address: typeof name === "string" ? enc(name) : name,
  pubkey: new Uint8Array(32),
  power,
});
const name = (x: Validator) => Buffer.from(x.address).toString();
const raw = (vals: { address: Uint8Array; power: bigint; priority: bigint }[]): ValidatorSet => ({
  validators: vals.map((x) => ({ ...x, pubkey: new Uint8Array(32) })),
  proposer: undefined,
  totalPower: vals.reduce((s, x) => s + x.power, 0n),
});

describe("validator set: CometBFT proposer selection", () => {
  it("TestProposerSelection1", () => {
    const vset = newValidatorSet([v("foo", 1000n), v("bar", 300n), v("baz", 330n)]);
    const proposers: string[] = [];
    for (let i = 0; i < 99; i++) {
      proposers.push(name(getProposer(vset)!));
      incrementProposerPriority(vset, 1);
    }
    const expected =
      "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo";
    expect(proposers.join(" ")).toBe(expected);
  });

  it("TestProposerSelection2", () => {
    const addr = (i: number) => Uint8Array.from([...new Uint8Array(19), i]);
    let vals = newValidatorSet([v(addr(0), 100n), v(addr(1), 100n), v(addr(2), 100n)]);
    for (let i = 0; i < 15; i++) {
      expect(getProposer(vals)!.address).toEqual(addr(i % 3)); // equal power: in address order
      incrementProposerPriority(vals, 1);
    }
    vals = newValidatorSet([v(addr(0), 100n), v(addr(1), 100n), v(addr(2), 400n)]);
    expect(getProposer(vals)!.address).toEqual(addr(2));
    incrementProposerPriority(vals, 1);
    expect(getProposer(vals)!.address).toEqual(addr(0));
    vals = newValidatorSet([v(addr(0), 100n), v(addr(1), 100n), v(addr(2), 401n)]);
    expect(getProposer(vals)!.address).toEqual(addr(2));
    incrementProposerPriority(vals, 1);
    expect(getProposer(vals)!.address).toEqual(addr(2));
    incrementProposerPriority(vals, 1);
    expect(getProposer(vals)!.address).toEqual(addr(0));
    vals = newValidatorSet([v(addr(0), 4n), v(addr(1), 5n), v(addr(2), 3n)]);
    const count = [0, 0, 0];
    for (let i = 0; i < 120; i++) {
      count[getProposer(vals)!.address[19]]++;
      incrementProposerPriority(vals, 1);
    }
    expect(count).toEqual([40, 50, 30]);
  });

  it("TestProposerSelection3: equal powers go round robin whatever the step sizes", () => {
    const vset = newValidatorSet([v("a", 1n), v("b", 1n), v("c", 1n), v("d", 1n)]);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      order.push(name(getProposer(vset)!));
      incrementProposerPriority(vset, 1);
    }
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 200 }), (steps) => {
        const s = newValidatorSet([v("a", 1n), v("b", 1n), v("c", 1n), v("d", 1n)]);
        let j = 0;
        for (const t of steps) {
          expect(name(getProposer(s)!)).toBe(order[j % 4]);
          incrementProposerPriority(s, t);
          j += t;
        }
      }),
    );
  });

  it("TestAvgProposerPriority", () => {
    const p = (xs: bigint[]) =>
      xs.map((priority, i) => ({ address: Uint8Array.of(i), pubkey: new Uint8Array(32), power: 0n, priority }));
    expect(computeAvgProposerPriority(p([0n, 0n, 0n]))).toBe(0n);
    expect(computeAvgProposerPriority(p([MAX, 0n, 0n]))).toBe(MAX / 3n);
    expect(computeAvgProposerPriority(p([MAX, 0n]))).toBe(MAX / 2n);
    expect(computeAvgProposerPriority(p([MAX, MAX]))).toBe(MAX);
    expect(computeAvgProposerPriority(p([MIN, MIN]))).toBe(MIN);
    expect(computeAvgProposerPriority(p([-1n, 0n, 0n]))).toBe(-1n); // floor, as big.Int.Div
  });

  it("TestAveragingInIncrementProposerPriority", () => {
    const cases: [bigint[], number, bigint][] = [
      [[1n, 2n, 3n], 1, 2n],
      [[10n, -10n, 1n], 11, 0n],
      [[100n, -10n, 1n], 1, 91n / 3n],
    ];
    for (const [prios, times, avg] of cases) {
      const vs = raw(prios.map((priority, i) => ({ address: enc("abc"[i]), power: 0n, priority })));
      const next = copyIncrementProposerPriority(vs, times);
      for (const val of vs.validators)
        expect(getByAddress(next, val.address)!.validator.priority).toBe(val.priority - avg);
    }
  });

  it("TestAveragingInIncrementProposerPriorityWithVotingPower", () => {
    const [vp0, vp1, vp2] = [10n, 1n, 1n];
    const total = vp0 + vp1 + vp2;
    const avg = (vp0 + vp1 + vp2 - total) / 3n;
    const cases: [bigint[], number, number][] = [
      [[vp0 - total - avg, vp1, vp2], 1, 0],
      [[vp0 - total + vp0 - total - avg, 2n * vp1, 2n * vp2], 2, 0],
      [[3n * (vp0 - total) - avg, 3n * vp1, 3n * vp2], 3, 0],
      [[4n * (vp0 - total), 4n * vp1, 4n * vp2], 4, 0],
      [[4n * (vp0 - total) + vp0, 5n * vp1 - total, 5n * vp2], 5, 1],
      [[6n * vp0 - 5n * total, 6n * vp1 - total, 6n * vp2], 6, 0],
      [[7n * vp0 - 6n * total, 7n * vp1 - total, 7n * vp2], 7, 0],
      [[8n * vp0 - 7n * total, 8n * vp1 - total, 8n * vp2], 8, 0],
      [[9n * vp0 - 7n * total, 9n * vp1 - total, 9n * vp2 - total], 9, 2],
      [[10n * vp0 - 8n * total, 10n * vp1 - total, 10n * vp2 - total], 10, 0],
      [[11n * vp0 - 9n * total, 11n * vp1 - total, 11n * vp2 - total], 11, 0],
    ];
    for (const [want, times, proposer] of cases) {
      const s = raw([
        { address: Uint8Array.of(0), power: vp0, priority: 0n },
        { address: Uint8Array.of(1), power: vp1, priority: 0n },
        { address: Uint8Array.of(2), power: vp2, priority: 0n },
      ]);
      incrementProposerPriority(s, times);
      expect(getProposer(s)!.address).toEqual(Uint8Array.of(proposer));
      expect(s.validators.map((x) => x.priority)).toEqual(want);
    }
  });

  it("TestSafeAddClip / TestSafeSubClip", () => {
    expect(safeAddClip(MAX, 10n)).toBe(MAX);
    expect(safeAddClip(MAX, MAX)).toBe(MAX);
    expect(safeAddClip(MIN, -10n)).toBe(MIN);
    expect(safeSubClip(MIN, 10n)).toBe(MIN);
    expect(safeSubClip(MIN, MIN)).toBe(0n);
    expect(safeSubClip(MIN, MAX)).toBe(MIN);
    expect(safeSubClip(MAX, -10n)).toBe(MAX);
  });

  it("TestValSetUpdates*Errors: duplicates, overflow, negative, unknown removal, empty result", () => {
    const base = (n: number, p: bigint) => newValidatorSet(Array.from({ length: n }, (_, i) => v(`v${i + 1}`, p)));
    const bad: [ValidatorSet, [string, bigint][]][] = [
      [
        base(2, 10n),
        [
          ["v1", 11n],
          ["v1", 22n],
        ],
      ],
      [
        base(2, 10n),
        [
          ["v1", 0n],
          ["v2", 20n],
          ["v1", 30n],
        ],
      ],
      [base(2, 10n), [["v1", MAX]]],
      [base(1, MAX_TOTAL_VOTING_POWER - 1n), [["v2", 5n]]],
      [base(2, MAX_TOTAL_VOTING_POWER / 3n), [["v3", MAX_TOTAL_VOTING_POWER / 2n]]],
      [base(2, 10n), [["v1", -123n]]],
      [base(2, 10n), [["v3", 0n]]],
      [
        newValidatorSet([v("v1", 10n), v("v2", 20n), v("v3", 30n)]),
        [
          ["v1", 0n],
          ["v2", 0n],
          ["v3", 0n],
        ],
      ],
    ];
    for (const [set, changes] of bad) {
      const before = JSON.stringify(set, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
      expect(() =>
        updateWithChangeSet(
          set,
          changes.map(([n, p]) => v(n, p)),
        ),
      ).toThrow();
      expect(JSON.stringify(set, (_k, x) => (typeof x === "bigint" ? x.toString() : x))).toBe(before);
    }
  });

  it("a new validator enters at −1.125 × total power (before centring) and waits its turn", () => {
    const s = newValidatorSet([v("v1", 100n), v("v2", 100n)]);
    const before = s.validators.map((x) => x.priority);
    const next = updateWithChangeSet(s, [v("v3", 200n)]);
    // raw entry priority −(400 + 400>>3) = −450, then the set is centred on its average
    const avg = computeAvgProposerPriority([
      ...s.validators,
      { address: enc("v3"), pubkey: new Uint8Array(32), power: 200n, priority: -450n },
    ]);
    expect(getByAddress(next, enc("v3"))!.validator.priority).toBe(-450n - avg);
    expect(getByAddress(next, enc("v1"))!.validator.priority).toBe(before[0] - avg);
    expect(next.validators.map(name)).toEqual(["v3", "v1", "v2"]); // by power, then address
    const c = copyIncrementProposerPriority(next, 1);
    expect(name(getProposer(c)!)).not.toBe("v3");
  });

  it("property: over total-power × k heights each validator proposes exactly in proportion to its power", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        (powers, k) => {
          const s = newValidatorSet(powers.map((p, i) => v(`val${i}`, BigInt(p))));
          const total = powers.reduce((a, b) => a + b, 0);
          const count = new Map<string, number>();
          for (let i = 0; i < total * k; i++) {
            const p = name(getProposer(s)!);
            count.set(p, (count.get(p) ?? 0) + 1);
            incrementProposerPriority(s, 1);
          }
          powers.forEach((p, i) => expect(count.get(`val${i}`) ?? 0).toBe(p * k));
        },
      ),
      { numRuns: 100 },
    );
  });
});
