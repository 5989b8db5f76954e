import { describe, expect, it } from "vitest";
import { computeCommitment, MemoryCommitment } from "#state/store/commitment.ts";
import { proveKey } from "#state/store/keyProof.ts";
import { decodeKeyProof, encodeKeyProof, KEY_PROOF_OP } from "#client/keyProofJson.ts";
import { verifyStoreProof } from "#client/proof.ts";

const k = (s: string) => new TextEncoder().encode(s);
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const m = new MemoryCommitment();
const changes = [
  { key: k("b"), value: k("B") },
  { key: k("d"), value: k("D") },
];
const u = computeCommitment(m, changes);
m.apply(u, changes);
const appHash = Buffer.from(u.root).toString("hex");
const member = encodeKeyProof(proveKey(m, k("b")));
const absent = encodeKeyProof(proveKey(m, k("c")));
const ops = (key: Uint8Array, j: unknown, type = KEY_PROOF_OP) => ({
  ops: [{ type, key: b64(key), data: b64(new TextEncoder().encode(JSON.stringify(j))) }],
});

describe("strata/imt/v1 proof JSON", () => {
  it("round-trips both kinds", () => {
    expect(decodeKeyProof(JSON.parse(JSON.stringify(member)))).toEqual(proveKey(m, k("b")));
    expect(decodeKeyProof(JSON.parse(JSON.stringify(absent)))).toEqual(proveKey(m, k("c")));
  });

  it("refuses anything but exactly that shape", () => {
    expect(decodeKeyProof(null)).toBeUndefined();
    expect(decodeKeyProof("x")).toBeUndefined();
    expect(decodeKeyProof({ ...member, index: "1" })).toBeUndefined();
    expect(decodeKeyProof({ ...member, leafCount: "3" })).toBeUndefined();
    expect(decodeKeyProof({ ...member, siblings: "AAAA" })).toBeUndefined();
    const siblings = (member.siblings as string[]).slice();
    siblings[3] = `${siblings[3].slice(0, -2)}!=`; // not canonical base64
    expect(decodeKeyProof({ ...member, siblings })).toBeUndefined();
    expect(decodeKeyProof({ ...member, next: 5 })).toBeUndefined();
    expect(decodeKeyProof({ ...member, kind: "other" })).toBeUndefined();
    expect(decodeKeyProof({ ...absent, kind: "other" })).toBeUndefined();
    expect(decodeKeyProof({ ...absent, leafKey: undefined })).toBeUndefined();
    expect(decodeKeyProof({ ...absent, leafValueHash: 7 })).toBeUndefined();
  });
});

describe("verifyStoreProof (an abci_query answer)", () => {
  it("proves a value, or that there is none", () => {
    expect(verifyStoreProof(appHash, b64(k("b")), b64(k("B")), ops(k("b"), member))).toEqual({ value: k("B") });
    expect(verifyStoreProof(appHash, b64(k("c")), "", ops(k("c"), absent))).toEqual({ value: null });
  });

  it("refuses a missing op, an op for another key, undecodable data, and an absence proof sent with a value", () => {
    expect(verifyStoreProof(appHash, b64(k("b")), b64(k("B")), null)).toBeUndefined();
    expect(verifyStoreProof(appHash, b64(k("b")), b64(k("B")), ops(k("b"), member, "strata/smt/v1"))).toBeUndefined();
    expect(verifyStoreProof(appHash, b64(k("b")), b64(k("B")), ops(k("d"), member))).toBeUndefined();
    const notJson = { ops: [{ type: KEY_PROOF_OP, key: b64(k("b")), data: b64(k("{nope")) }] };
    expect(verifyStoreProof(appHash, b64(k("b")), b64(k("B")), notJson)).toBeUndefined();
    expect(verifyStoreProof(appHash, b64(k("b")), b64(k("B")), ops(k("b"), { ...member, kind: "x" }))).toBeUndefined();
    // "c" is absent and the proof says so, but the answer claims a value
    expect(verifyStoreProof(appHash, b64(k("c")), b64(k("C")), ops(k("c"), absent))).toBeUndefined();
  });
});
