import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import {
  computeCommitment,
  MemoryCommitment,
  ZERO_HASHES,
  TREE_DEPTH,
  hashRoot,
  hashInner,
  hashLeaf,
  hashValue,
  SENTINEL_KEY,
} from "#state/store/commitment.ts";
import { proveKey, verifyKeyProof } from "#state/store/keyProof.ts";
import type { Change } from "#state/store/types.ts";

const k = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sorted = (cs: Change[]) => [...cs].sort((a, b) => Buffer.compare(a.key, b.key));

/**
 * Reference: the root recomputed from scratch from the whole history, sharing no code with the
 * incremental algorithm except the hash functions. Leaf i = (key, H(value) or tombstone, next
 * in the sorted list of every key ever written); leaf 0 the sentinel.
 */
function referenceRoot(order: string[], values: Map<string, Uint8Array>): Uint8Array {
  const byKey = [...order].sort((a, b) => Buffer.compare(Buffer.from(a, "latin1"), Buffer.from(b, "latin1")));
  const leaves = new Map<number, Uint8Array>();
  const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
  leaves.set(0, hashLeaf(SENTINEL_KEY, null, byKey.length ? bytes(byKey[0]) : null));
  byKey.forEach((s, pos) => {
    const v = values.get(s);
    const next = pos + 1 < byKey.length ? bytes(byKey[pos + 1]) : null;
    leaves.set(order.indexOf(s) + 1, hashLeaf(bytes(s), v ? hashValue(v) : null, next));
  });
  const node = (level: number, index: number): Uint8Array => {
    if (level === 0) return leaves.get(index) ?? ZERO_HASHES[0];
    const span = 2 ** level;
    let any = false;
    for (const i of leaves.keys()) if (i >= index * span && i < (index + 1) * span) any = true;
    if (!any) return ZERO_HASHES[level];
    return hashInner(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
  };
  return hashRoot(node(TREE_DEPTH, 0), order.length + 1);
}

describe("state commitment (indexed Merkle tree)", () => {
  it("genesis allocates the sentinel: an empty state is one tombstoned leaf with next = end", () => {
    const m = new MemoryCommitment();
    const u = computeCommitment(m, []);
    expect(u.leafCount).toBe(1);
    let h = hashLeaf(SENTINEL_KEY, null, null);
    for (let l = 0; l < TREE_DEPTH; l++) h = hashInner(h, ZERO_HASHES[l]);
    expect(u.root).toEqual(hashRoot(h, 1));
  });

  it("random puts, deletes and re-puts over several blocks: incremental root = from-scratch root; every key proves what it holds", () => {
    const keyArb = fc.integer({ min: 0, max: 30 }).map((i) => `k${i}`);
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.tuple(keyArb, fc.option(fc.uint8Array({ minLength: 0, maxLength: 6 }))), { maxLength: 12 }),
          { minLength: 1, maxLength: 6 },
        ),
        (blocks) => {
          const inc = new MemoryCommitment();
          const order: string[] = []; // keys in leaf order (index - 1)
          const values = new Map<string, Uint8Array>();
          let root: Uint8Array = new Uint8Array();
          for (const b of blocks) {
            const m = new Map<string, Uint8Array | null>();
            for (const [key, v] of b) m.set(key, v);
            const changes = sorted([...m].map(([key, v]) => ({ key: k(key), value: v })));
            const u = computeCommitment(inc, changes);
            inc.apply(u, changes);
            for (const c of changes) {
              const s = Buffer.from(c.key).toString("latin1");
              if (c.value === null) values.delete(s);
              else {
                values.set(s, c.value);
                if (!order.includes(s)) order.push(s);
              }
            }
            expect(u.newIndexes.map((n) => n.index)).toEqual(
              u.newIndexes.map((_, i) => inc.leafCount() - u.newIndexes.length + i),
            );
            expect(hex(u.root)).toBe(hex(referenceRoot(order, values)));
            root = u.root;
          }
          for (let i = 0; i <= 31; i++) {
            const key = k(`k${i}`);
            const v = values.get(`k${i}`);
            const p = proveKey(inc, key);
            if (v) {
              expect(p.kind).toBe("member");
              expect(verifyKeyProof(root, key, v, p)).toBe(true);
              expect(verifyKeyProof(root, key, null, p)).toBe(false);
              expect(verifyKeyProof(root, key, Uint8Array.of(...v, 1), p)).toBe(false);
            } else {
              expect(p.kind).toBe("absent");
              expect(verifyKeyProof(root, key, null, p)).toBe(true);
              expect(verifyKeyProof(root, key, Uint8Array.of(1), p)).toBe(false);
              // the same leaf offered as membership (a tombstone, or a low leaf): no value makes it one
              expect(verifyKeyProof(root, key, Uint8Array.of(), { ...p, kind: "member" })).toBe(false);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the root depends on every value and on nothing else", () => {
    const a = new MemoryCommitment();
    const b = new MemoryCommitment();
    const ca = [
      { key: k("x"), value: k("1") },
      { key: k("y"), value: k("2") },
    ];
    const ua = computeCommitment(a, ca);
    const ub = computeCommitment(b, [
      { key: k("x"), value: k("1") },
      { key: k("y"), value: k("3") },
    ]);
    expect(Buffer.compare(ua.root, ub.root)).not.toBe(0);
    a.apply(ua, ca);
    const again = computeCommitment(a, [{ key: k("y"), value: k("2") }]);
    expect(again.root).toEqual(ua.root);
  });

  it("an update of an existing key rehashes its own leaf only; an insert also its predecessor's", () => {
    const m = new MemoryCommitment();
    const g = sorted(["b", "d", "f"].map((s) => ({ key: k(s), value: k(s) })));
    const ug = computeCommitment(m, g);
    m.apply(ug, g);
    const leavesOf = (u: { nodes: { level: number; index: number }[] }) =>
      u.nodes.filter((n) => n.level === 0).map((n) => n.index);
    expect(leavesOf(computeCommitment(m, [{ key: k("d"), value: k("D") }]))).toEqual([2]);
    expect(leavesOf(computeCommitment(m, [{ key: k("d"), value: null }]))).toEqual([2]);
    // "e": predecessor d (leaf 2); "a": predecessor the sentinel (leaf 0)
    expect(leavesOf(computeCommitment(m, [{ key: k("e"), value: k("e") }]))).toEqual([2, 4]);
    expect(leavesOf(computeCommitment(m, [{ key: k("a"), value: k("a") }]))).toEqual([0, 4]);
    // two new keys in one gap: only the first one's predecessor is an old leaf
    expect(
      leavesOf(
        computeCommitment(m, [
          { key: k("e1"), value: k("1") },
          { key: k("e2"), value: k("2") },
        ]),
      ),
    ).toEqual([2, 4, 5]);
  });

  it("a deleted key keeps its leaf as a tombstone; a key created and deleted in one block gets none", () => {
    const m = new MemoryCommitment();
    const c1 = [{ key: k("a"), value: k("1") }];
    const u1 = computeCommitment(m, c1);
    m.apply(u1, c1);
    const c2 = [
      { key: k("a"), value: null },
      { key: k("b"), value: null },
    ];
    const u2 = computeCommitment(m, c2);
    m.apply(u2, c2);
    expect(u2.leafCount).toBe(2);
    expect(u2.newIndexes).toEqual([]);
    expect(hex(u2.root)).toBe(hex(referenceRoot(["a"], new Map())));
    expect(proveKey(m, k("a"))).toMatchObject({ kind: "absent", index: 1, leafValueHash: null });
  });

  it("refuses changes out of order, repeated, or with an empty or oversized key", () => {
    const m = new MemoryCommitment();
    const v = k("v");
    expect(() =>
      computeCommitment(m, [
        { key: k("b"), value: v },
        { key: k("a"), value: v },
      ]),
    ).toThrow(/ascending/);
    expect(() =>
      computeCommitment(m, [
        { key: k("a"), value: v },
        { key: k("a"), value: v },
      ]),
    ).toThrow(/ascending/);
    expect(() => computeCommitment(m, [{ key: new Uint8Array(0), value: v }])).toThrow(/1\.\.65535/);
    expect(() => computeCommitment(m, [{ key: new Uint8Array(0x10000), value: v }])).toThrow(/1\.\.65535/);
  });

  it("leaf encodings are unambiguous: a tombstone, an empty value and a missing next all differ", () => {
    const key = k("a");
    const leaves = [
      hashLeaf(key, null, null),
      hashLeaf(key, hashValue(new Uint8Array(0)), null),
      hashLeaf(key, null, k("b")),
      hashLeaf(k("ab"), null, null),
      hashLeaf(key, null, k("")),
    ].map(hex);
    expect(new Set(leaves).size).toBe(leaves.length);
  });
});

describe("state commitment encodings (consensus: a change here changes every state root)", () => {
  const sha = (...parts: number[][]) => new Uint8Array(createHash("sha256").update(Buffer.from(parts.flat())).digest());
  const bytes = (b: Uint8Array) => [...b];

  it("value hash, leaf and root preimages are exactly the documented bytes", () => {
    const valueHash = sha([0x03], bytes(k("v")));
    expect(hashValue(k("v"))).toEqual(valueHash);
    // 0x00 ‖ u16 keylen ‖ key ‖ 0x01 ‖ valueHash ‖ 0x01 ‖ u16 nextlen ‖ next
    expect(hashLeaf(k("a"), valueHash, k("bc"))).toEqual(
      sha([0x00, 0x00, 0x01], bytes(k("a")), [0x01], bytes(valueHash), [0x01, 0x00, 0x02], bytes(k("bc"))),
    );
    // tombstone and end: one 0x00 byte each
    expect(hashLeaf(k("a"), null, null)).toEqual(sha([0x00, 0x00, 0x01], bytes(k("a")), [0x00, 0x00]));
    expect(hashInner(ZERO_HASHES[0], valueHash)).toEqual(sha([0x01], bytes(ZERO_HASHES[0]), bytes(valueHash)));
    expect(hashRoot(valueHash, 258)).toEqual(sha([0x02], bytes(valueHash), [0, 0, 0, 0, 0, 0, 0x01, 0x02]));
  });

  it("a known state has a known root (golden vector)", () => {
    const m = new MemoryCommitment();
    const u = computeCommitment(m, [
      { key: k("a"), value: k("1") },
      { key: k("b"), value: k("2") },
    ]);
    expect(hex(u.root)).toBe("69d4762909b1d3427365cf5e13752abebe4ab12851d45780416fb3f6f5e647c6");
  });
});
