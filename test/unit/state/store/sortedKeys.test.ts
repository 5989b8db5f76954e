import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SortedKeys } from "#state/store/sortedKeys.ts";

const cmp = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b);

describe("SortedKeys", () => {
  it("lower/higher/has agree with a sorted array, across chunk splits", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 3 }), {
          minLength: 0,
          maxLength: 1500,
          selector: (b) => Buffer.from(b).toString("hex"),
        }),
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 3 }), { maxLength: 40 }),
        (keys, probes) => {
          const s = new SortedKeys();
          for (const key of keys) s.add(key);
          const all = [...keys].sort(cmp);
          expect(s.size).toBe(all.length);
          for (const p of [...probes, ...keys.slice(0, 20)]) {
            const lower = all.filter((x) => cmp(x, p) < 0).at(-1);
            const higher = all.find((x) => cmp(x, p) > 0);
            expect(s.lower(p)).toEqual(lower);
            expect(s.higher(p)).toEqual(higher);
            expect(s.has(p)).toBe(all.some((x) => cmp(x, p) === 0));
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("refuses a key twice (a leaf is never re-added)", () => {
    const s = new SortedKeys();
    s.add(Uint8Array.of(1));
    expect(() => s.add(Uint8Array.of(1))).toThrow(/already/);
  });
});
