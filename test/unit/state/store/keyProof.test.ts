// Each rejection rule of verifyKeyProof, with an input that passes the hash check (or would make
// the hashing throw) when the rule is removed: a rule without such a test would check nothing.
import { describe, expect, it } from "vitest";
import { computeCommitment, hashValue, MemoryCommitment, ZERO_HASHES } from "#state/store/commitment.ts";
import { proveKey, verifyKeyProof, type AbsenceProof, type KeyProof } from "#state/store/keyProof.ts";
import type { Change } from "#state/store/types.ts";

const k = (s: string) => new TextEncoder().encode(s);

function tree(changesPerBlock: Change[][]) {
  const m = new MemoryCommitment();
  let root = new Uint8Array(32) as Uint8Array;
  for (const cs of changesPerBlock) {
    const u = computeCommitment(m, cs);
    m.apply(u, cs);
    root = u.root;
  }
  return { m, root };
}

// leaves: 0 sentinel → b (1) → d (2, deleted) → f (3) → end
const { m, root } = tree([
  [
    { key: k("b"), value: k("B") },
    { key: k("d"), value: k("D") },
    { key: k("f"), value: k("F") },
  ],
  [{ key: k("d"), value: null }],
]);
const member = proveKey(m, k("b"));
const absentC = proveKey(m, k("c")) as AbsenceProof; // low leaf b, next d
const absentD = proveKey(m, k("d")) as AbsenceProof; // d's own tombstone

describe("verifyKeyProof accepts", () => {
  it("membership of a present key, absence of a deleted key, of a key in a gap, below and above every key", () => {
    expect(verifyKeyProof(root, k("b"), k("B"), member)).toBe(true);
    expect(absentD).toMatchObject({ kind: "absent", index: 2, leafValueHash: null });
    expect(verifyKeyProof(root, k("d"), null, absentD)).toBe(true);
    expect(absentC.leafKey).toEqual(k("b"));
    expect(verifyKeyProof(root, k("c"), null, absentC)).toBe(true);
    const below = proveKey(m, k("a"));
    expect(below).toMatchObject({ kind: "absent", index: 0, leafKey: new Uint8Array(0), next: k("b") });
    expect(verifyKeyProof(root, k("a"), null, below)).toBe(true);
    const above = proveKey(m, k("z"));
    expect(above).toMatchObject({ kind: "absent", index: 3, next: null });
    expect(verifyKeyProof(root, k("z"), null, above)).toBe(true);
    // the empty key is the sentinel's: never present
    expect(verifyKeyProof(root, new Uint8Array(0), null, proveKey(m, new Uint8Array(0)))).toBe(true);
  });
});

describe("verifyKeyProof rejects", () => {
  it("a membership proof read as absence, and an absence proof read as a value", () => {
    expect(verifyKeyProof(root, k("b"), null, member)).toBe(false);
    expect(verifyKeyProof(root, k("c"), k("x"), absentC)).toBe(false);
    expect(verifyKeyProof(root, k("d"), k("D"), absentD)).toBe(false);
  });

  it("a tombstone offered as membership", () => {
    const asMember: KeyProof = { kind: "member", index: 2, leafCount: 4, next: k("f"), siblings: absentD.siblings };
    expect(verifyKeyProof(root, k("d"), k("D"), asMember)).toBe(false);
    expect(verifyKeyProof(root, k("d"), new Uint8Array(0), asMember)).toBe(false);
  });

  it("a present key's own leaf offered as its absence", () => {
    const own: AbsenceProof = { ...absentC, leafKey: k("b"), leafValueHash: hashValue(k("B")) };
    expect(verifyKeyProof(root, k("b"), null, own)).toBe(false);
  });

  it("a low leaf that is not below the key (wrong low leaf)", () => {
    // f's leaf (next = end) is genuine and its next is past "e0", but f is above "e0"
    const f = proveKey(m, k("z")) as AbsenceProof;
    expect(verifyKeyProof(root, k("e0"), null, f)).toBe(false);
  });

  it("a low leaf whose next pointer does not pass the key", () => {
    // b's leaf (next d) cannot show that "e" (after d) or "d" itself is absent through b
    expect(verifyKeyProof(root, k("e"), null, absentC)).toBe(false);
    expect(verifyKeyProof(root, k("d"), null, absentC)).toBe(false);
  });

  it("a forged next pointer (tampered absence proof): the leaf no longer hashes into the root", () => {
    expect(verifyKeyProof(root, k("f"), null, { ...absentC, next: k("g") })).toBe(false);
    expect(verifyKeyProof(root, k("c"), null, { ...absentC, leafValueHash: hashValue(k("X")) })).toBe(false);
    const s = absentC.siblings.map((x, i) => (i === 1 ? new Uint8Array(32).fill(7) : x));
    expect(verifyKeyProof(root, k("c"), null, { ...absentC, siblings: s })).toBe(false);
  });

  it("an index that is not a leaf of leafCount: past it (+2^32), negative (−2^32), or a fraction", () => {
    // each walks the same path as the real index, so only the range check stands in the way
    expect(verifyKeyProof(root, k("b"), k("B"), { ...member, index: member.index + 2 ** 32 })).toBe(false);
    expect(verifyKeyProof(root, k("b"), k("B"), { ...member, index: member.index - 2 ** 32 })).toBe(false);
    expect(member.index).toBe(1);
    expect(verifyKeyProof(root, k("b"), k("B"), { ...member, index: 0.5 })).toBe(false);
  });

  it("a leaf count that is not an integer, or above 2^32 (it is hashed modulo 2^64)", () => {
    expect(verifyKeyProof(root, k("b"), k("B"), { ...member, leafCount: 4.5 })).toBe(false);
    // a tree of exactly 4096 leaves: 2^64 + 4096 is a double, and hashes as 4096
    const keys = Array.from({ length: 4095 }, (_, i) => ({ key: k(`k${String(i).padStart(4, "0")}`), value: k("v") }));
    const big = tree([keys]);
    const p = proveKey(big.m, keys[0].key);
    expect(p.leafCount).toBe(4096);
    expect(verifyKeyProof(big.root, keys[0].key, k("v"), p)).toBe(true);
    const forged = { ...p, leafCount: 2 ** 64 + 4096, index: p.index + 2 ** 32 };
    expect(verifyKeyProof(big.root, keys[0].key, k("v"), forged)).toBe(false);
  });

  it("siblings of the wrong number or length (without throwing)", () => {
    expect(verifyKeyProof(root, k("b"), k("B"), { ...member, siblings: member.siblings.slice(1) })).toBe(false);
    // member is leaf 1: at level 1 its sibling is on the right, where 33 bytes overflow the buffer
    const long = member.siblings.map((x, i) => (i === 1 ? new Uint8Array(33) : x));
    expect(verifyKeyProof(root, k("b"), k("B"), { ...member, siblings: long })).toBe(false);
    // the last leaf at an even index has the all-zero empty leaf as its right sibling: cut to 31
    // bytes it still fills the 65-byte preimage the same way
    const small = tree([
      [
        { key: k("b"), value: k("B") },
        { key: k("d"), value: k("D") },
      ],
    ]);
    const z = proveKey(small.m, k("z"));
    expect(z.index).toBe(2);
    expect(z.siblings[0]).toEqual(ZERO_HASHES[0]);
    expect(verifyKeyProof(small.root, k("z"), null, z)).toBe(true);
    const cut = z.siblings.map((x, i) => (i === 0 ? x.subarray(0, 31) : x));
    expect(verifyKeyProof(small.root, k("z"), null, { ...z, siblings: cut })).toBe(false);
  });

  it("keys, next pointers and value hashes of the wrong length (without throwing)", () => {
    const huge = new Uint8Array(0x10000).fill(0x7a);
    expect(verifyKeyProof(root, huge, null, proveKey(m, k("z")))).toBe(false);
    // a low key of 65,536 "a"s is below "c": only its length gives it away
    expect(verifyKeyProof(root, k("c"), null, { ...absentC, leafKey: new Uint8Array(0x10000).fill(0x61) })).toBe(false);
    expect(verifyKeyProof(root, k("c"), null, { ...absentC, next: huge })).toBe(false);
    expect(verifyKeyProof(root, k("c"), null, { ...absentC, leafValueHash: new Uint8Array(31) })).toBe(false);
  });
});
