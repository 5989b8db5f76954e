// The pieces of versioned state: history keys keep one key's entries together and apart from a
// key it is a prefix of; old values and key lists round-trip; runAtHeight answers a query with
// dependent reads (a key naming the next key to read) exactly as the state of the height was,
// even when the current state would send it down another path.
import { describe, expect, it } from "vitest";
import { decodeKeyList, decodeOld, encodeKeyList, encodeOld, histKey } from "#node/stateHistory.ts";
import { runAtHeight, type VersionedReader } from "#node/stateAt.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

describe("state history encoding", () => {
  it("orders one key's entries by height, and a key's entries never mix with a longer key's", () => {
    const keys = [
      histKey(enc("ab"), 7),
      histKey(enc("ab"), 300),
      histKey(enc("ab\x00"), 1),
      histKey(enc("b"), 5),
      histKey(enc("ab"), 2),
    ];
    const sorted = [...keys].sort(Buffer.compare);
    // all "ab" entries are contiguous and ascending; "ab\0" (a longer key) is not among them
    const ab = sorted.filter((k) => k.length === 2 + 2 + 8 && Buffer.from(k.subarray(2, 4)).toString() === "ab");
    expect(ab.map((k) => Number(Buffer.from(k.subarray(4)).readBigUInt64BE()))).toEqual([2, 7, 300]);
    const first = sorted.indexOf(ab[0]!);
    expect(sorted.slice(first, first + 3)).toEqual(ab);
  });

  it("old values (absent, empty, bytes) and key lists round-trip", () => {
    expect(decodeOld(encodeOld(undefined))).toBeUndefined();
    expect(decodeOld(encodeOld(new Uint8Array()))).toEqual(new Uint8Array());
    expect(dec(decodeOld(encodeOld(enc("xyz"))))).toBe("xyz");
    const changes = [
      { key: enc("a"), value: null },
      { key: new Uint8Array(300).fill(7), value: enc("v") },
      { key: enc(""), value: null },
    ];
    expect(decodeKeyList(encodeKeyList(changes))).toEqual(changes.map((c) => c.key));
  });
});

/** A store with a recorded history: values[h] is the whole state after height h. */
class FakeVersioned implements VersionedReader {
  fetched = 0;
  private readonly values: Record<string, string>[];
  constructor(values: Record<string, string>[]) {
    this.values = values;
  }
  get(key: Uint8Array) {
    const v = this.values[this.values.length - 1]![dec(key)!];
    return v === undefined ? undefined : enc(v);
  }
  async valueAt(key: Uint8Array, height: number) {
    this.fetched++;
    const v = this.values[height]![dec(key)!];
    return v === undefined ? undefined : enc(v);
  }
}

describe("runAtHeight", () => {
  // "head" names a key, which names another key, whose value is the answer
  const history: Record<string, string>[] = [
    { head: "x1", x1: "y1", y1: "old answer" },
    { head: "x2", x2: "y2", y2: "newer", x1: "y1", y1: "old answer" },
    { head: "x2", x2: "y3", y3: "newest" },
  ];
  const follow = (s: { get(k: Uint8Array): Uint8Array | undefined }) =>
    dec(s.get(enc(dec(s.get(enc(dec(s.get(enc("head")))!)))!)));

  it("follows the chain of the past state, not the current one", async () => {
    for (const [h, want] of [
      [0, "old answer"],
      [1, "newer"],
      [2, "newest"],
    ] as const) {
      const db = new FakeVersioned(history);
      expect(await runAtHeight(db, h, follow)).toBe(want);
    }
  });

  it("an error thrown only because of a guessed (current) value is not the answer", async () => {
    const db = new FakeVersioned([{ n: "5" }, { n: "boom" }]);
    const parse = (s: { get(k: Uint8Array): Uint8Array | undefined }) => {
      const n = dec(s.get(enc("n")))!;
      if (!/^\d+$/.test(n)) throw new Error("not a number");
      return Number(n);
    };
    expect(await runAtHeight(db, 0, parse)).toBe(5);
    await expect(runAtHeight(db, 1, parse)).rejects.toThrow("not a number");
  });

  it("absent keys stay absent at the height even when present now", async () => {
    const db = new FakeVersioned([{}, { k: "v" }]);
    expect(await runAtHeight(db, 0, (s) => s.get(enc("k")))).toBeUndefined();
    expect(dec(await runAtHeight(db, 1, (s) => s.get(enc("k"))))).toBe("v");
  });
});
