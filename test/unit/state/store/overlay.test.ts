import { describe, expect, it } from "vitest";
import { MemoryStore, Overlay } from "#state/store/overlay.ts";

const k = (s: string) => new TextEncoder().encode(s);

describe("Overlay", () => {
  it("reads through to the parent and shadows it with writes and deletes", () => {
    const base = new MemoryStore();
    base.apply([
      { key: k("a"), value: k("1") },
      { key: k("b"), value: k("2") },
    ]);
    const o = new Overlay(base);
    o.set(k("a"), k("9"));
    o.del(k("b"));
    expect(o.get(k("a"))).toEqual(k("9"));
    expect(o.get(k("b"))).toBeUndefined();
    expect(base.get(k("a"))).toEqual(k("1"));
  });

  it("a child is discarded unless flushed, and flush applies it to the parent only", () => {
    const base = new MemoryStore();
    const o = new Overlay(base);
    const c1 = o.child();
    c1.set(k("x"), k("1"));
    expect(o.get(k("x"))).toBeUndefined();
    const c2 = o.child();
    c2.set(k("y"), k("2"));
    c2.flushToParent();
    expect(o.get(k("y"))).toEqual(k("2"));
    expect(base.get(k("y"))).toBeUndefined();
  });

  it("changes() lists every changed key once, sorted by bytes", () => {
    const o = new Overlay(new MemoryStore());
    o.set(k("b"), k("1"));
    o.set(k("a"), k("1"));
    o.set(k("b"), k("2"));
    o.del(k("c"));
    expect(o.changes().map((c) => [Buffer.from(c.key).toString(), c.value && Buffer.from(c.value).toString()])).toEqual(
      [
        ["a", "1"],
        ["b", "2"],
        ["c", null],
      ],
    );
  });
});
