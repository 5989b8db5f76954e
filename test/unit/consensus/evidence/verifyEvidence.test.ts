// The evidence rules (consensus/evidence/verifyEvidence.ts), each attacked by evidence that
// breaks exactly it: real ed25519 keys, real sign bytes, a chain history given as the context.
import { describe, expect, it } from "vitest";
import { encodeEvidence, DuplicateVoteEvidence } from "#consensus/evidence/duplicateVoteEvidence.ts";
import {
  EvidenceRule,
  verifyBlockEvidence,
  verifyEvidence,
  type EvidenceContext,
} from "#consensus/evidence/verifyEvidence.ts";
import { VoteType, voteSignBytes, type VoteValue } from "#consensus/vote.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { testKey, type TestKey } from "#test/fixtures/memChain.ts";

const CHAIN = "strata-ev";
const [v1, v2, outsider, rotatedTo] = [testKey(1), testKey(2), testKey(3), testKey(4)];
const T0 = Date.parse("2026-01-01T00:00:00Z");

function vote(k: TestKey, fill: number, over: Partial<VoteValue["body"]> = {}, chainId = CHAIN): VoteValue {
  const body = {
    type: VoteType.Prevote,
    height: 80,
    round: 0,
    blockId: new Uint8Array(32).fill(fill),
    timestamp: T0,
    validator: k.address,
    ...over,
  };
  return { body, signature: signMessage(k.seed, voteSignBytes(chainId, body)) };
}

/** A chain at height 100, one block per second; v1 (power 7) and v2 (3) sign every height. */
function ctx(over: Partial<EvidenceContext> = {}): EvidenceContext {
  return {
    chainId: CHAIN,
    height: 101,
    time: T0 + 101_000,
    params: { maxAgeNumBlocks: 50, maxAgeDurationMs: 60_000 },
    validatorSetAt: (h) =>
      h >= 1 && h <= 101
        ? [
            { pubkey: v1.pubkey, power: 7 },
            { pubkey: v2.pubkey, power: 3 },
          ]
        : undefined,
    blockTimeAt: (h) => (h >= 1 && h <= 100 ? T0 + h * 1000 : undefined),
    ...over,
  };
}

const rule = (raw: Uint8Array, c = ctx()) => {
  const v = verifyEvidence(raw, c);
  return v.ok ? "ok" : v.rule;
};

describe("duplicate vote evidence", () => {
  it("valid evidence becomes misbehaviour with the power and block time of its height", () => {
    const v = verifyEvidence(encodeEvidence(vote(v1, 1, { height: 60 }), vote(v1, 2, { height: 60 })), ctx());
    expect(v).toEqual({
      ok: true,
      misbehaviour: { kind: "duplicate_vote", validator: v1.address, height: 60, time: T0 + 60_000, power: 7 },
    });
  });

  it("encodeEvidence is canonical: the order the votes were seen in does not matter", () => {
    expect(encodeEvidence(vote(v1, 2), vote(v1, 1))).toEqual(encodeEvidence(vote(v1, 1), vote(v1, 2)));
  });

  it("a vote for nil and one for a block are an equivocation", () => {
    expect(rule(encodeEvidence(vote(v1, 0), vote(v1, 5)))).toBe("ok");
  });

  it("bytes that are not evidence", () => {
    expect(rule(Uint8Array.of(1, 2, 3))).toBe(EvidenceRule.Decode);
  });

  it("a forged signature on either vote", () => {
    const a = vote(v1, 1);
    const b = vote(v1, 2);
    b.signature[5] ^= 1;
    expect(rule(encodeEvidence(a, b))).toBe(EvidenceRule.BadSignature);
    const a2 = vote(v1, 1);
    a2.signature[0] ^= 1;
    expect(rule(encodeEvidence(a2, vote(v1, 2)))).toBe(EvidenceRule.BadSignature);
  });

  it("votes signed for another chain", () => {
    expect(rule(encodeEvidence(vote(v1, 1, {}, "other-chain"), vote(v1, 2, {}, "other-chain")))).toBe(
      EvidenceRule.BadSignature,
    );
  });

  it("a vote re-labelled with another validator's address (signed by someone else)", () => {
    const forged = { ...vote(outsider, 2), body: { ...vote(outsider, 2).body, validator: v1.address } };
    expect(rule(encodeEvidence(vote(v1, 1), forged))).toBe(EvidenceRule.BadSignature);
  });

  it("votes of different heights, rounds or types", () => {
    expect(rule(encodeEvidence(vote(v1, 1), vote(v1, 2, { height: 81 })))).toBe(EvidenceRule.Mismatch);
    expect(rule(encodeEvidence(vote(v1, 1), vote(v1, 2, { round: 1 })))).toBe(EvidenceRule.Mismatch);
    expect(rule(encodeEvidence(vote(v1, 1), vote(v1, 2, { type: VoteType.Precommit })))).toBe(EvidenceRule.Mismatch);
  });

  it("votes of two validators", () => {
    expect(rule(encodeEvidence(vote(v1, 1), vote(v2, 2)))).toBe(EvidenceRule.DifferentValidators);
  });

  it("two votes for the same block, or votes out of canonical order", () => {
    expect(
      rule(DuplicateVoteEvidence.serialize({ voteA: vote(v1, 1), voteB: vote(v1, 1, { timestamp: T0 + 5 }) })),
    ).toBe(EvidenceRule.SameBlock);
    expect(rule(DuplicateVoteEvidence.serialize({ voteA: vote(v1, 2), voteB: vote(v1, 1) }))).toBe(EvidenceRule.Order);
  });

  it("a signer that was not in the set of that height, though its signatures are good", () => {
    expect(rule(encodeEvidence(vote(outsider, 1), vote(outsider, 2)))).toBe(EvidenceRule.NotMember);
    // v2 is in today's set but was not at height 80
    const c = ctx({
      validatorSetAt: (h) =>
        h === 80
          ? [{ pubkey: v1.pubkey, power: 7 }]
          : [
              { pubkey: v1.pubkey, power: 7 },
              { pubkey: v2.pubkey, power: 3 },
            ],
    });
    expect(rule(encodeEvidence(vote(v2, 1), vote(v2, 2)), c)).toBe(EvidenceRule.NotMember);
  });

  it("a height not committed yet (or the current one), and a height whose set this node does not know", () => {
    expect(rule(encodeEvidence(vote(v1, 1, { height: 101 }), vote(v1, 2, { height: 101 })))).toBe(
      EvidenceRule.FutureHeight,
    );
    expect(rule(encodeEvidence(vote(v1, 1, { height: 500 }), vote(v1, 2, { height: 500 })))).toBe(
      EvidenceRule.FutureHeight,
    );
    expect(rule(encodeEvidence(vote(v1, 1), vote(v1, 2)), ctx({ validatorSetAt: () => undefined }))).toBe(
      EvidenceRule.UnknownSet,
    );
    expect(rule(encodeEvidence(vote(v1, 1), vote(v1, 2)), ctx({ blockTimeAt: () => undefined }))).toBe(
      EvidenceRule.NotRetained,
    );
  });

  it("expires only when older than both the block and the time limit (CometBFT IsEvidenceExpired)", () => {
    const at = (h: number, c: EvidenceContext) =>
      rule(encodeEvidence(vote(v1, 1, { height: h }), vote(v1, 2, { height: h })), c);
    // 100 blocks and 100 s old: both limits (50 blocks, 60 s) passed
    expect(at(1, ctx())).toBe(EvidenceRule.Expired);
    // exactly at the limits: still valid
    expect(at(51, ctx({ time: T0 + 51_000 + 60_000 }))).toBe("ok");
    // too many blocks but recent in time (fast blocks): valid
    expect(at(1, ctx({ params: { maxAgeNumBlocks: 50, maxAgeDurationMs: 200_000 } }))).toBe("ok");
    // old in time but few blocks (slow blocks): valid
    expect(at(1, ctx({ params: { maxAgeNumBlocks: 200, maxAgeDurationMs: 60_000 } }))).toBe("ok");
  });

  it("a rotated-out key: judged by the set of the evidence height, whatever the key is today", () => {
    // at heights ≤ 50 v1 signed with its old key; from 51 it signs with `rotatedTo`
    const c = ctx({
      params: { maxAgeNumBlocks: 1000, maxAgeDurationMs: 1000_000 },
      validatorSetAt: (h) => [{ pubkey: h <= 50 ? v1.pubkey : rotatedTo.pubkey, power: 7 }],
    });
    const old = verifyEvidence(encodeEvidence(vote(v1, 1, { height: 40 }), vote(v1, 2, { height: 40 })), c);
    expect(old.ok && old.misbehaviour.validator).toEqual(v1.address);
    // the old key after its rotation signed nothing that counts: not a member then
    expect(rule(encodeEvidence(vote(v1, 1, { height: 60 }), vote(v1, 2, { height: 60 })), c)).toBe(
      EvidenceRule.NotMember,
    );
    // the new key before it was in office, likewise
    expect(rule(encodeEvidence(vote(rotatedTo, 1, { height: 40 }), vote(rotatedTo, 2, { height: 40 })), c)).toBe(
      EvidenceRule.NotMember,
    );
    expect(rule(encodeEvidence(vote(rotatedTo, 1, { height: 60 }), vote(rotatedTo, 2, { height: 60 })), c)).toBe("ok");
  });

  it("a block's list: every item valid, none twice", () => {
    const e1 = encodeEvidence(vote(v1, 1), vote(v1, 2));
    const e2 = encodeEvidence(vote(v2, 1), vote(v2, 2));
    const ok = verifyBlockEvidence([e1, e2], ctx());
    expect(ok.ok && ok.misbehaviour.map((m) => m.power)).toEqual([7, 3]);
    expect(verifyBlockEvidence([e1, e1], ctx())).toMatchObject({ ok: false, reason: expect.stringContaining("twice") });
    const bad = encodeEvidence(vote(outsider, 1), vote(outsider, 2));
    expect(verifyBlockEvidence([e1, bad], ctx())).toMatchObject({
      ok: false,
      reason: expect.stringContaining(EvidenceRule.NotMember),
    });
  });
});
