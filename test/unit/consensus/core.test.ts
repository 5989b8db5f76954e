// Scenario catalogue for the consensus core (scripted messages and timeouts, no I/O):
//  1. proposer's happy path: propose → prevote → lock + precommit → decide
//  2. non-proposer: propose timeout → prevote nil
//  3. invalid proposal → prevote nil
//  4. thresholds with unequal power: 40+20 of 100 is not > 2/3, 40+30 is
//  5. +2/3 prevotes nil → precommit nil; +2/3 precommits of any kind → precommit timeout → round 1
//  6. locked on B: a fresh proposal of C in a later round gets prevote nil
//  7. proof-of-lock: a proposal of C with a POL round newer than the lock unlocks (prevote C)
//  8. +1/3 of the power in a later round: skip ahead to that round
//  9. equivocation: a second, different vote from one validator becomes evidence, is not counted
// 10. decide on +2/3 precommits even when the node itself missed the prevote phase
// 11. stale timeouts and messages for other heights are ignored
// 12. restart with a persisted lock keeps the lock
import { describe, expect, it } from "vitest";
import { ConsensusCore, type CoreEffect } from "#consensus/core.ts";
import { VoteType, NIL_BLOCK_ID, type VoteValue } from "#consensus/vote.ts";
import type { ProposalValue } from "#consensus/proposal.ts";
import { RoundStep, type ValidatorInfo } from "#consensus/types.ts";

const addr = (i: number) => new Uint8Array(20).fill(i + 1);
const VALS: ValidatorInfo[] = [40n, 30n, 20n, 10n].map((p, i) => ({
  address: addr(i),
  pubkey: new Uint8Array(32).fill(i + 1),
  power: p,
}));
const id = (s: string) => {
  const b = new Uint8Array(32);
  b.set(new TextEncoder().encode(s).subarray(0, 32));
  return b;
};
const SIG = new Uint8Array(64);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function harness(me: number, opts: { invalid?: string[]; proposer?: (round: number) => number } = {}) {
  const effects: CoreEffect[] = [];
  const proposerOf = opts.proposer ?? ((round: number) => round % 4);
  let created = 0;
  const core = new ConsensusCore(
    {
      proposer: (round) => addr(proposerOf(round)),
      createBlock: (round) => ({ blockId: id(`block-${me}-${round}-${created++}`), block: Uint8Array.of(round) }),
      isValidBlock: (blockId) => !(opts.invalid ?? []).some((s) => hex(id(s)) === hex(blockId)),
      now: () => 1000,
    },
    {
      address: addr(me),
      signVote: (body) => ({ body, signature: SIG }),
      signProposal: (body) => ({ body, signature: SIG }),
    },
    (e) => effects.push(e),
  );
  const vote = (from: number, type: number, round: number, block: Uint8Array | null, height = 1): VoteValue => ({
    body: { type, height, round, blockId: block ?? NIL_BLOCK_ID, timestamp: 1, validator: addr(from) },
    signature: SIG,
  });
  const proposal = (from: number, round: number, block: Uint8Array, pol = -1): ProposalValue => ({
    body: { height: 1, round, polRoundPlusOne: pol + 1, blockId: block, timestamp: 1, proposer: addr(from) },
    signature: SIG,
  });
  const myVotes = (type: number) =>
    effects
      .filter((e): e is Extract<CoreEffect, { kind: "vote" }> => e.kind === "vote" && e.vote.body.type === type)
      .map((e) => e.vote);
  const lastVote = (type: number) => {
    const v = myVotes(type);
    return v[v.length - 1];
  };
  return { core, effects, vote, proposal, myVotes, lastVote };
}

const isNil = (v: VoteValue) => v.body.blockId.every((x) => x === 0);

describe("consensus core", () => {
  it("1. proposer's happy path: propose, prevote, lock and precommit, decide", () => {
    const h = harness(0);
    h.core.startHeight(1, VALS);
    const prop = h.effects.find((e) => e.kind === "proposal") as Extract<CoreEffect, { kind: "proposal" }>;
    expect(prop).toBeDefined();
    const B = prop.proposal.body.blockId;
    expect(hex(h.lastVote(VoteType.Prevote).body.blockId)).toBe(hex(B));
    h.core.onVote(h.vote(1, VoteType.Prevote, 0, B));
    expect(h.core.step).toBe(RoundStep.Precommit);
    expect(h.core.lockedRound).toBe(0);
    expect(hex(h.lastVote(VoteType.Precommit).body.blockId)).toBe(hex(B));
    h.core.onVote(h.vote(1, VoteType.Precommit, 0, B));
    const d = h.effects.find((e) => e.kind === "decide") as Extract<CoreEffect, { kind: "decide" }>;
    expect(hex(d.blockId)).toBe(hex(B));
    expect(d.precommits.filter(Boolean)).toHaveLength(2);
    expect(h.core.step).toBe(RoundStep.Commit);
  });

  it("2. non-proposer prevotes nil when the propose timeout fires", () => {
    const h = harness(1);
    h.core.startHeight(1, VALS);
    expect(h.effects.some((e) => e.kind === "timeout" && e.step === "propose")).toBe(true);
    expect(h.myVotes(VoteType.Prevote)).toHaveLength(0);
    h.core.onTimeout(1, 0, "propose");
    expect(isNil(h.lastVote(VoteType.Prevote))).toBe(true);
  });

  it("3. an invalid proposal gets a nil prevote", () => {
    const h = harness(1, { invalid: ["bad"] });
    h.core.startHeight(1, VALS);
    h.core.onProposal(h.proposal(0, 0, id("bad")), Uint8Array.of(0));
    expect(isNil(h.lastVote(VoteType.Prevote))).toBe(true);
  });

  it("3b. a proposal from the wrong proposer is ignored", () => {
    const h = harness(1);
    h.core.startHeight(1, VALS);
    h.core.onProposal(h.proposal(2, 0, id("B")), Uint8Array.of(0));
    expect(h.myVotes(VoteType.Prevote)).toHaveLength(0);
  });

  it("4. > 2/3 is by power: 40+20 of 100 is not enough, 40+30 is", () => {
    const h = harness(3);
    h.core.startHeight(1, VALS);
    const B = id("B");
    h.core.onProposal(h.proposal(0, 0, B), Uint8Array.of(0));
    h.core.onVote(h.vote(0, VoteType.Prevote, 0, B));
    h.core.onVote(h.vote(2, VoteType.Prevote, 0, B));
    // own prevote (10) + 40 + 20 = 70 > 66.7: locks and precommits
    expect(h.core.step).toBe(RoundStep.Precommit);
    expect(h.core.lockedRound).toBe(0);
  });

  it("4b. 40+20 alone (without the node's own vote) does not lock", () => {
    const h = harness(3, { invalid: ["B"] }); // node prevotes nil
    h.core.startHeight(1, VALS);
    const B = id("B");
    h.core.onProposal(h.proposal(0, 0, B), Uint8Array.of(0));
    h.core.onVote(h.vote(0, VoteType.Prevote, 0, B));
    h.core.onVote(h.vote(2, VoteType.Prevote, 0, B));
    expect(h.core.lockedRound).toBe(-1);
    expect(h.myVotes(VoteType.Precommit)).toHaveLength(0);
    // +2/3 of any prevotes (70) → prevote timeout scheduled, then precommit nil
    expect(h.effects.some((e) => e.kind === "timeout" && e.step === "prevote")).toBe(true);
    h.core.onTimeout(1, 0, "prevote");
    expect(isNil(h.lastVote(VoteType.Precommit))).toBe(true);
  });

  it("5. +2/3 nil prevotes → precommit nil; +2/3 precommits → precommit timeout → next round", () => {
    const h = harness(1);
    h.core.startHeight(1, VALS);
    h.core.onTimeout(1, 0, "propose");
    h.core.onVote(h.vote(0, VoteType.Prevote, 0, null));
    expect(isNil(h.lastVote(VoteType.Precommit))).toBe(true);
    h.core.onVote(h.vote(0, VoteType.Precommit, 0, null));
    expect(h.effects.some((e) => e.kind === "timeout" && e.step === "precommit" && e.round === 0)).toBe(true);
    h.core.onTimeout(1, 0, "precommit");
    expect(h.core.round).toBe(1);
    // round 1's proposer is validator 1 (us): it proposes and prevotes its own block
    expect(h.effects.some((e) => e.kind === "proposal" && e.proposal.body.round === 1)).toBe(true);
    expect(h.core.step).toBe(RoundStep.Prevote);
    expect(h.lastVote(VoteType.Prevote).body.round).toBe(1);
  });

  it("6. locked on B, a later fresh proposal of C gets prevote nil; re-proposing B gets B", () => {
    const h = harness(3);
    h.core.startHeight(1, VALS);
    const B = id("B");
    h.core.onProposal(h.proposal(0, 0, B), Uint8Array.of(0));
    h.core.onVote(h.vote(0, VoteType.Prevote, 0, B));
    h.core.onVote(h.vote(1, VoteType.Prevote, 0, B));
    expect(h.core.lockedRound).toBe(0);
    // round 0 fails to commit: +2/3 precommits of mixed kinds, timeout
    h.core.onVote(h.vote(0, VoteType.Precommit, 0, null));
    h.core.onVote(h.vote(1, VoteType.Precommit, 0, null));
    h.core.onTimeout(1, 0, "precommit");
    expect(h.core.round).toBe(1);
    h.core.onProposal(h.proposal(1, 1, id("C")), Uint8Array.of(1));
    expect(isNil(h.lastVote(VoteType.Prevote))).toBe(true);
    expect(h.core.lockedBlockId).toBe(hex(B));
  });

  it("7. a proposal with a proof-of-lock newer than our lock unlocks us", () => {
    const h = harness(3);
    h.core.startHeight(1, VALS);
    const B = id("B");
    const C = id("C");
    h.core.onProposal(h.proposal(0, 0, B), Uint8Array.of(0));
    h.core.onVote(h.vote(0, VoteType.Prevote, 0, B));
    h.core.onVote(h.vote(1, VoteType.Prevote, 0, B));
    expect(h.core.lockedRound).toBe(0);
    h.core.onVote(h.vote(0, VoteType.Precommit, 0, null));
    h.core.onVote(h.vote(1, VoteType.Precommit, 0, null));
    h.core.onTimeout(1, 0, "precommit");
    // round 1: others prevote C (+2/3 without us: 40+30 = 70)
    h.core.onVote(h.vote(0, VoteType.Prevote, 1, C));
    h.core.onVote(h.vote(1, VoteType.Prevote, 1, C));
    h.core.onVote(h.vote(0, VoteType.Precommit, 1, null));
    h.core.onVote(h.vote(1, VoteType.Precommit, 1, null));
    h.core.onTimeout(1, 1, "precommit");
    expect(h.core.round).toBe(2);
    // round 2 proposer (2) re-proposes C with POL round 1
    h.core.onProposal(h.proposal(2, 2, C, 1), Uint8Array.of(2));
    expect(hex(h.lastVote(VoteType.Prevote).body.blockId)).toBe(hex(C));
  });

  it("8. +1/3 of the power in a later round makes the node skip to it", () => {
    const h = harness(3);
    h.core.startHeight(1, VALS);
    h.core.onVote(h.vote(0, VoteType.Prevote, 5, null)); // 40 > 33.3
    expect(h.core.round).toBe(5);
  });

  it("8b. 30 of 100 in a later round is not enough", () => {
    const h = harness(3);
    h.core.startHeight(1, VALS);
    h.core.onVote(h.vote(1, VoteType.Prevote, 5, null));
    expect(h.core.round).toBe(0);
  });

  it("9. a conflicting vote becomes evidence and is not counted", () => {
    const h = harness(3);
    h.core.startHeight(1, VALS);
    h.core.onVote(h.vote(0, VoteType.Prevote, 0, id("B")));
    h.core.onVote(h.vote(0, VoteType.Prevote, 0, id("C")));
    const ev = h.effects.filter((e) => e.kind === "evidence");
    expect(ev).toHaveLength(1);
    expect(h.core.votesOf(0)!.prevotes.powerVoted()).toBe(40n);
  });

  it("10. decides from +2/3 precommits alone, once it has the block", () => {
    const h = harness(3);
    h.core.startHeight(1, VALS);
    const B = id("B");
    h.core.onVote(h.vote(0, VoteType.Precommit, 0, B));
    h.core.onVote(h.vote(1, VoteType.Precommit, 0, B));
    expect(h.effects.some((e) => e.kind === "decide")).toBe(false);
    h.core.onProposal(h.proposal(0, 0, B), Uint8Array.of(0));
    expect(h.effects.some((e) => e.kind === "decide")).toBe(true);
  });

  it("10b. never decides on an invalid block, whatever the precommits say", () => {
    const h = harness(3, { invalid: ["B"] });
    h.core.startHeight(1, VALS);
    const B = id("B");
    h.core.onProposal(h.proposal(0, 0, B), Uint8Array.of(0));
    for (const i of [0, 1, 2]) h.core.onVote(h.vote(i, VoteType.Precommit, 0, B));
    expect(h.effects.some((e) => e.kind === "decide")).toBe(false);
  });

  it("11. stale timeouts and other heights' messages are ignored", () => {
    const h = harness(1);
    h.core.startHeight(1, VALS);
    h.core.onTimeout(1, 3, "propose");
    h.core.onTimeout(0, 0, "propose");
    expect(h.myVotes(VoteType.Prevote)).toHaveLength(0);
    h.core.onVote(h.vote(0, VoteType.Prevote, 0, id("B"), 2));
    expect(h.core.votesOf(0)?.prevotes.powerVoted() ?? 0n).toBe(0n);
  });

  it("12. a lock restored after a restart is honoured", () => {
    const h = harness(3);
    h.core.startHeight(1, VALS, { round: 1, lockedRound: 0, lockedBlockId: id("B"), lockedBlock: Uint8Array.of(0) });
    expect(h.core.round).toBe(1);
    h.core.onProposal(h.proposal(1, 1, id("C")), Uint8Array.of(1));
    expect(isNil(h.lastVote(VoteType.Prevote))).toBe(true);
  });
});
