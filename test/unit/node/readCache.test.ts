import { describe, expect, it } from "vitest";
import { ReadCache } from "#node/readCache.ts";

const k = (s: string) => new TextEncoder().encode(s);

describe("ReadCache", () => {
  it("loads once per key, remembers absence, and is refreshed by setAll", () => {
    const c = new ReadCache<number>(10);
    let loads = 0;
    const load = (key: Uint8Array) => (loads++, key[0] === 0x61 ? 1 : null);
    expect(c.get(k("a"), load)).toBe(1);
    expect(c.get(k("a"), load)).toBe(1);
    expect(c.get(k("b"), load)).toBeUndefined();
    expect(c.get(k("b"), load)).toBeUndefined();
    expect(loads).toBe(2);
    c.setAll([
      { key: k("a"), value: null },
      { key: k("b"), value: 7 },
    ]);
    expect(c.get(k("a"), load)).toBeUndefined();
    expect(c.get(k("b"), load)).toBe(7);
    expect(loads).toBe(2);
  });

  it("keys by content, not by buffer identity or offset", () => {
    const c = new ReadCache<number>(10);
    const big = k("xxab");
    c.setAll([{ key: big.subarray(2), value: 5 }]);
    expect(c.get(k("ab"), () => null)).toBe(5);
  });

  it("stays within its bound by dropping everything and reloading", () => {
    const c = new ReadCache<number>(3);
    let loads = 0;
    const load = () => (loads++, 1);
    for (const s of ["a", "b", "c", "d"]) c.get(k(s), load);
    expect(loads).toBe(4);
    c.get(k("a"), load); // dropped when "d" arrived
    expect(loads).toBe(5);
  });
});
