import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  computeCommitment,
  MemoryCommitment,
  proveKey,
  verifyProof,
  ZERO_HASHES,
  TREE_DEPTH,
  hashRoot,
  hashInner,
  hashLeaf,
} from "#state/store/commitment.ts";
import type { Change } from "#state/store/types.ts";

const k = (s: string) => new TextEncoder().encode(s);
const sorted = (cs: Change[]) => [...cs].sort((a, b) => Buffer.compare(a.key, b.key));

describe("state commitment (indexed sparse Merkle tree)", () => {
  it("empty state has the zero root", () => {
    const m = new MemoryCommitment();
    const u = computeCommitment(m, []);
    expect(u.root).toEqual(hashRoot(ZERO_HASHES[TREE_DEPTH], 0));
  });

  it("incremental updates equal an independent from-scratch computation of the same leaves", () => {
    // reference: recursive tree over index -> leaf hash, sharing no code path with the
    // incremental algorithm except the hash functions
    const reference = (leaves: Map<number, Uint8Array>, count: number): Uint8Array => {
      const node = (level: number, index: number): Uint8Array => {
        if (level === 0) return leaves.get(index) ?? ZERO_HASHES[0];
        const span = 2 ** level;
        let any = false;
        for (const i of leaves.keys()) if (i >= index * span && i < (index + 1) * span) any = true;
        if (!any) return ZERO_HASHES[level];
        return hashInner(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
      };
      return hashRoot(node(TREE_DEPTH, 0), count);
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.tuple(fc.integer({ min: 0, max: 40 }), fc.option(fc.uint8Array({ minLength: 1, maxLength: 8 }))),
            { maxLength: 20 },
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (blocks) => {
          const inc = new MemoryCommitment();
          const index = new Map<string, number>();
          const leaves = new Map<number, Uint8Array>();
          for (const b of blocks) {
            const m = new Map<number, Uint8Array | null>();
            for (const [key, v] of b) m.set(key, v);
            const changes = sorted([...m].map(([key, v]) => ({ key: k(`key${key}`), value: v })));
            const u = computeCommitment(inc, changes);
            inc.apply(u);
            for (const n of u.newIndexes) index.set(Buffer.from(n.key).toString(), n.index);
            for (const c of changes) {
              const i = index.get(Buffer.from(c.key).toString());
              if (i !== undefined) leaves.set(i, hashLeaf(c.key, c.value));
            }
            expect(Buffer.from(u.root).toString("hex")).toBe(
              Buffer.from(reference(leaves, inc.leafCount())).toString("hex"),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("the root depends on every value and on nothing else", () => {
    const a = new MemoryCommitment();
    const b = new MemoryCommitment();
    const ua = computeCommitment(a, [
      { key: k("x"), value: k("1") },
      { key: k("y"), value: k("2") },
    ]);
    const ub = computeCommitment(b, [
      { key: k("x"), value: k("1") },
      { key: k("y"), value: k("3") },
    ]);
    expect(Buffer.compare(ua.root, ub.root)).not.toBe(0);
    a.apply(ua);
    const again = computeCommitment(a, [{ key: k("y"), value: k("2") }]);
    expect(again.root).toEqual(ua.root);
  });

  it("a proof fails for a wrong value, wrong key or tampered sibling", () => {
    const m = new MemoryCommitment();
    const u = computeCommitment(m, sorted([0, 1, 2, 3, 4].map((i) => ({ key: k(`k${i}`), value: k(`v${i}`) }))));
    m.apply(u);
    const p = proveKey(m, k("k3"))!;
    expect(verifyProof(u.root, k("k3"), k("v3"), p)).toBe(true);
    expect(verifyProof(u.root, k("k3"), k("v4"), p)).toBe(false);
    expect(verifyProof(u.root, k("k2"), k("v3"), p)).toBe(false);
    const bad = { ...p, siblings: p.siblings.map((s, i) => (i === 0 ? new Uint8Array(32).fill(1) : s)) };
    expect(verifyProof(u.root, k("k3"), k("v3"), bad)).toBe(false);
    expect(verifyProof(u.root, k("k3"), k("v3"), { ...p, leafCount: p.leafCount + 1 })).toBe(false);
  });

  it("deleting a key zeroes its leaf and keeps its index", () => {
    const m = new MemoryCommitment();
    const u1 = computeCommitment(m, [{ key: k("a"), value: k("1") }]);
    m.apply(u1);
    const u2 = computeCommitment(m, [{ key: k("a"), value: null }]);
    m.apply(u2);
    expect(u2.leafCount).toBe(1);
    expect(u2.root).toEqual(hashRoot(ZERO_HASHES[TREE_DEPTH], 1));
  });
});
