import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryStore, Overlay } from "#state/store/overlay.ts";
import { keyToString, type KVReader } from "#state/store/types.ts";

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

  it("a chain of overlays reads the same whether its base takes the key's string form (getKeyed) or not", () => {
    // the node's ChainDb takes it; MemoryStore and other readers do not, and must get the bytes
    const ops = fc.array(
      fc.tuple(fc.nat(2), fc.constantFrom("set", "del", "flush"), fc.uint8Array({ minLength: 0, maxLength: 3 })),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(ops, (steps) => {
        const base = new MemoryStore();
        base.apply([
          { key: Uint8Array.of(0), value: k("base") },
          { key: Uint8Array.of(1, 255), value: k("x") },
        ]);
        let keyedCalls = 0;
        const keyed: KVReader = {
          get: (key) => base.get(key),
          getKeyed: (s, key) => {
            keyedCalls++;
            expect(s).toBe(keyToString(key));
            return base.get(key);
          },
        };
        const plain: KVReader = { get: (key) => base.get(key) };
        const chains = [keyed, plain].map((b) => {
          const block = new Overlay(b);
          const tx = block.child();
          return [block, tx, tx.child()];
        });
        for (const [level, op, key] of steps) {
          for (const chain of chains) {
            const o = chain[level];
            if (op === "set") o.set(key, Uint8Array.of(level, key.length));
            else if (op === "del") o.del(key);
            else if (level > 0) o.flushToParent();
          }
          for (const probe of [key, Uint8Array.of(0), Uint8Array.of(1, 255)])
            for (let l = 0; l < 3; l++) expect(chains[0][l].get(probe)).toEqual(chains[1][l].get(probe));
        }
        if (steps.length > 0) expect(keyedCalls).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
