// The signer never signs two conflicting votes or proposals for one height/round/step, across
// restarts (state on disk), re-sends the identical vote, and keeps the lock for a restart.
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilePrivval } from "../../../node/privval.ts";
import { VoteType, voteSignBytes, type VoteBodyValue } from "../../../consensus/vote.ts";
import { publicKeyFromSeed, signMessage, verifySignature } from "../../../state/crypto/ed25519.ts";
import { addressFromPubkey } from "../../../state/crypto/address.ts";

const seed = new Uint8Array(32).fill(3);
const pubkey = publicKeyFromSeed(seed);
const key = { pubkey, address: addressFromPubkey(pubkey), sign: (m: Uint8Array) => signMessage(seed, m) };
const id = (n: number) => new Uint8Array(32).fill(n);
const vote = (height: number, round: number, type: number, block: number, ts = 1): VoteBodyValue => ({ type, height, round, blockId: id(block), timestamp: ts, validator: key.address });

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
});
