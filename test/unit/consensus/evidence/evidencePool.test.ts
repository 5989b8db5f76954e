// The evidence pool: consensus' conflicting votes wait until their height is committed, client
// evidence is verified on arrival, a proposal takes one valid piece per validator, and what a
// committed block carried (or can never be valid) leaves the pool.
import { describe, expect, it } from "vitest";
import { encodeEvidence } from "#consensus/evidence/duplicateVoteEvidence.ts";
import { EvidencePool } from "#consensus/evidence/evidencePool.ts";
import { EvidenceRule, type EvidenceContext } from "#consensus/evidence/verifyEvidence.ts";
import { VoteType, voteSignBytes, type VoteValue } from "#consensus/vote.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { testKey, type TestKey } from "#test/fixtures/memChain.ts";

const CHAIN = "strata-ev";
const [v1, v2, outsider] = [testKey(1), testKey(2), testKey(3)];

function evidence(k: TestKey, height: number, fill = 1): Uint8Array {
  const v = (f: number): VoteValue => {
    const body = {
      type: VoteType.Precommit,
      height,
      round: 0,
      blockId: new Uint8Array(32).fill(f),
      timestamp: 0,
      validator: k.address,
    };
    return { body, signature: signMessage(k.seed, voteSignBytes(CHAIN, body)) };
  };
  return encodeEvidence(v(fill), v(fill + 1));
}

/** The next block is `height`: blocks below it are committed, one per second. */
const ctx = (height: number): EvidenceContext => ({
  chainId: CHAIN,
  height,
  time: height * 1000,
  params: { maxAgeNumBlocks: 10, maxAgeDurationMs: 10_000 },
  validatorSetAt: () => [
    { pubkey: v1.pubkey, power: 1 },
    { pubkey: v2.pubkey, power: 1 },
  ],
  blockTimeAt: (h) => (h < height ? h * 1000 : undefined),
});

describe("evidence pool", () => {
  it("keeps evidence of the height being decided until that height is committed", () => {
    const pool = new EvidencePool();
    pool.addUnverified(evidence(v1, 5));
    expect(pool.collect(ctx(5), 16).evidence).toHaveLength(0); // height 5 not committed
    expect(pool.size).toBe(1);
    const got = pool.collect(ctx(6), 16);
    expect(got.evidence).toHaveLength(1);
    expect(got.misbehaviour[0].height).toBe(5);
  });

  it("drops what can never become valid: a non-member, an expired one", () => {
    const pool = new EvidencePool();
    pool.addUnverified(evidence(outsider, 5));
    pool.addUnverified(evidence(v1, 1));
    expect(pool.collect(ctx(30), 16).evidence).toHaveLength(0);
    expect(pool.size).toBe(0);
  });

  it("refuses a client's invalid evidence with its rule and keeps the valid", () => {
    const pool = new EvidencePool();
    const bad = pool.submit(evidence(outsider, 5), ctx(10));
    expect(bad.ok === false && bad.rule).toBe(EvidenceRule.NotMember);
    expect(pool.size).toBe(0);
    expect(pool.submit(evidence(v2, 5), ctx(10)).ok).toBe(true);
    expect(pool.size).toBe(1);
  });

  it("one piece per validator per block; a committed validator's other evidence goes", () => {
    const pool = new EvidencePool();
    pool.addUnverified(evidence(v1, 5, 1));
    pool.addUnverified(evidence(v1, 6, 3));
    pool.addUnverified(evidence(v2, 5));
    const got = pool.collect(ctx(8), 16);
    expect(got.misbehaviour.map((m) => m.power)).toHaveLength(2);
    pool.committed(got.evidence);
    expect(pool.size).toBe(0);
    pool.addUnverified(evidence(v1, 7, 9)); // already punished: not kept
    expect(pool.size).toBe(0);
  });

  it("takes at most `max`", () => {
    const pool = new EvidencePool();
    pool.addUnverified(evidence(v1, 5));
    pool.addUnverified(evidence(v2, 5));
    expect(pool.collect(ctx(8), 1).evidence).toHaveLength(1);
  });
});
