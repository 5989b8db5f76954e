// The signer never signs two conflicting votes or proposals for one height/round/step, across
// restarts (state on disk), re-sends the identical vote, and keeps the lock for a restart.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePrivval, type DoubleSignRefused } from "#node/privval.ts";
import { FatalError, FatalExit } from "#node/fatal.ts";
import { VoteType, voteSignBytes, type VoteBodyValue } from "#consensus/vote.ts";
import { publicKeyFromSeed, signMessage, verifySignature } from "#state/crypto/ed25519.ts";
import { addressFromPubkey } from "#state/crypto/address.ts";

const seed = new Uint8Array(32).fill(3);
const pubkey = publicKeyFromSeed(seed);
const key = { pubkey, address: addressFromPubkey(pubkey), sign: (m: Uint8Array) => signMessage(seed, m) };
const id = (n: number) => new Uint8Array(32).fill(n);
const vote = (height: number, round: number, type: number, block: number, ts = 1): VoteBodyValue => ({
  type,
  height,
  round,
  blockId: id(block),
  timestamp: ts,
  validator: key.address,
});

function fresh() {
  const path = join(mkdtempSync(join(tmpdir(), "pv-")), "sign_state.json");
  return { path, pv: new FilePrivval(key, "c", path) };
}

describe("FilePrivval (double-sign protection)", () => {
  it("signs valid votes that verify", () => {
    const { pv } = fresh();
    const v = pv.signVote(vote(1, 0, VoteType.Prevote, 1))!;
    expect(verifySignature(pubkey, voteSignBytes("c", v.body), v.signature)).toBe(true);
  });

  it("refuses a conflicting vote at the same height/round/step, even after a restart", () => {
    const { pv, path } = fresh();
    expect(pv.signVote(vote(5, 1, VoteType.Prevote, 1))).toBeDefined();
    expect(pv.signVote(vote(5, 1, VoteType.Prevote, 2))).toBeUndefined();
    const restarted = new FilePrivval(key, "c", path);
    expect(restarted.signVote(vote(5, 1, VoteType.Prevote, 2))).toBeUndefined();
  });

  it("re-signing the identical vote returns the stored signature and timestamp", () => {
    const { pv, path } = fresh();
    const a = pv.signVote(vote(5, 1, VoteType.Precommit, 1, 111))!;
    const b = new FilePrivval(key, "c", path).signVote(vote(5, 1, VoteType.Precommit, 1, 999))!;
    expect(b.body.timestamp).toBe(111);
    expect(b.signature).toEqual(a.signature);
  });

  it("refuses to go back in height, round or step", () => {
    const { pv } = fresh();
    pv.signVote(vote(5, 2, VoteType.Precommit, 1));
    expect(pv.signVote(vote(4, 9, VoteType.Prevote, 1))).toBeUndefined();
    expect(pv.signVote(vote(5, 1, VoteType.Precommit, 1))).toBeUndefined();
    expect(pv.signVote(vote(5, 2, VoteType.Prevote, 1))).toBeUndefined();
    expect(pv.signVote(vote(5, 3, VoteType.Prevote, 3))).toBeDefined();
    expect(pv.signVote(vote(6, 0, VoteType.Prevote, 4))).toBeDefined();
  });

  it("refuses a second, different proposal for the same height/round", () => {
    const { pv } = fresh();
    const p = { height: 3, round: 0, polRoundPlusOne: 0, blockId: id(1), timestamp: 1, proposer: key.address };
    expect(pv.signProposal(p)).toBeDefined();
    expect(pv.signProposal({ ...p, blockId: id(2) })).toBeUndefined();
  });

  it("persists the lock and restores it with the last signed round", () => {
    const { pv, path } = fresh();
    pv.signVote(vote(7, 2, VoteType.Prevote, 9));
    pv.saveLock(7, 2, id(9), Uint8Array.of(1, 2, 3));
    pv.signVote(vote(7, 2, VoteType.Precommit, 9));
    const r = new FilePrivval(key, "c", path).restoreFor(7)!;
    expect(r.round).toBe(3); // resumes after the round it signed in
    expect(r.lockedRound).toBe(2);
    expect(r.lockedBlockId).toEqual(id(9));
    expect(r.lockedBlock).toEqual(Uint8Array.of(1, 2, 3));
    expect(new FilePrivval(key, "c", path).restoreFor(8)).toBeUndefined();
  });

  const fatalOf = (f: () => unknown): FatalError => {
    try {
      f();
    } catch (e) {
      if (e instanceof FatalError) return e;
      throw e;
    }
    throw new Error("no FatalError");
  };

  it("sign_state that is not JSON, or fails its checksum, stops the node naming the file", () => {
    const { pv, path } = fresh();
    pv.signVote(vote(5, 0, VoteType.Prevote, 1));
    const good = readFileSync(path, "utf8");
    expect(JSON.parse(good).checksum).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(path, good.slice(0, 20));
    let f = fatalOf(() => new FilePrivval(key, "c", path));
    expect(f.exitCode).toBe(FatalExit.SignStateInvalid);
    expect(f.message).toContain(path);
    expect(f.message).toContain("not valid JSON");
    writeFileSync(path, good.replace('"height":5', '"height":900'));
    f = fatalOf(() => new FilePrivval(key, "c", path));
    expect(f.message).toContain("checksum");
    writeFileSync(path, JSON.stringify({ height: "x" }));
    expect(fatalOf(() => new FilePrivval(key, "c", path)).message).toContain("malformed");
  });

  it("a file from before checksums is accepted, and the next write adds one", () => {
    const { pv, path } = fresh();
    pv.signVote(vote(5, 0, VoteType.Prevote, 1));
    const j = JSON.parse(readFileSync(path, "utf8"));
    delete j.checksum;
    writeFileSync(path, JSON.stringify(j));
    const again = new FilePrivval(key, "c", path);
    expect(again.lastSigned()?.height).toBe(5);
    again.signVote(vote(6, 0, VoteType.Prevote, 1));
    expect(JSON.parse(readFileSync(path, "utf8")).checksum).toBeDefined();
  });

  it("a damaged lock file stops the node at start", () => {
    const { pv, path } = fresh();
    pv.saveLock(7, 2, id(9), Uint8Array.of(1));
    writeFileSync(`${path}.lock.json`, "{");
    expect(fatalOf(() => new FilePrivval(key, "c", path)).message).toContain("lock file");
  });

  it("refusals are reported with their rule (a height refusal: sign_state ahead of the chain)", () => {
    const { path } = fresh();
    const seen: DoubleSignRefused[] = [];
    const pv = new FilePrivval(key, "c", path, (e) => seen.push(e));
    pv.signVote(vote(50, 0, VoteType.Prevote, 1));
    expect(pv.signVote(vote(7, 0, VoteType.Prevote, 1))).toBeUndefined();
    expect(seen.map((e) => [e.kind, e.askedHeight, e.signedHeight])).toEqual([["height", 7, 50]]);
  });

  it("an own signature the chain or the WAL shows above sign_state means sign_state is an old copy", () => {
    const { pv, path } = fresh();
    expect(fatalOf(() => pv.checkSignedAt(3)).message).toContain("no file");
    pv.signVote(vote(5, 1, VoteType.Prevote, 1));
    pv.checkSignedAt(5);
    pv.checkSigned(5, 1, "prevote");
    pv.checkSigned(5, 0, "precommit");
    expect(fatalOf(() => pv.checkSignedAt(6)).exitCode).toBe(FatalExit.SignStateInvalid);
    expect(fatalOf(() => pv.checkSigned(5, 1, "precommit")).message).toContain(path);
    expect(fatalOf(() => pv.checkSigned(5, 2, "proposal")).message).toContain("old copy");
  });

  it("a sign_state write that fails is a storage fault (exit 74), and nothing is signed", () => {
    const { pv, path } = fresh();
    mkdirSync(`${path}.tmp`); // the durable write goes through this name: now it cannot
    const f = fatalOf(() => pv.signVote(vote(5, 0, VoteType.Prevote, 1)));
    expect(f.exitCode).toBe(FatalExit.StorageIo);
    expect(f.message).toContain(path);
    expect(pv.lastSigned()).toBeUndefined();
  });
});
