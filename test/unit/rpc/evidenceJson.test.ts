// broadcast_evidence's JSON (CometBFT v0.38 DuplicateVoteEvidence) decodes to exactly the bytes
// of the two votes it names, in canonical order; every malformed field is named.
import { describe, expect, it } from "vitest";
import { duplicateVoteEvidenceJson } from "#client/evidenceJson.ts";
import { encodeEvidence } from "#consensus/evidence/duplicateVoteEvidence.ts";
import { VoteType, voteSignBytes, type VoteValue } from "#consensus/vote.ts";
import { evidenceFromJson } from "#rpc/evidenceJson.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { testKey } from "#test/fixtures/memChain.ts";

const k = testKey(1);
function vote(fill: number): VoteValue {
  const body = {
    type: VoteType.Precommit,
    height: 7,
    round: 2,
    blockId: new Uint8Array(32).fill(fill),
    timestamp: Date.parse("2026-01-01T00:00:00.123Z"),
    validator: k.address,
  };
  return { body, signature: signMessage(k.seed, voteSignBytes("c", body)) };
}

describe("evidence JSON", () => {
  it("round-trips, in canonical order whichever vote comes first, with or without the type wrapper", () => {
    const want = encodeEvidence(vote(1), vote(0));
    expect(evidenceFromJson(duplicateVoteEvidenceJson(vote(0), vote(1)))).toEqual(want);
    expect(evidenceFromJson(duplicateVoteEvidenceJson(vote(1), vote(0)).value)).toEqual(want);
  });

  it("names the bad field", () => {
    const j = duplicateVoteEvidenceJson(vote(1), vote(2));
    const bad = (f: (v: Record<string, any>) => void) => {
      const c = structuredClone(j);
      f(c.value);
      return () => evidenceFromJson(c);
    };
    expect(bad((v) => (v.vote_a.type = 3))).toThrow(/vote_a.type/);
    expect(bad((v) => (v.vote_b.height = "-1"))).toThrow(/vote_b.height/);
    expect(bad((v) => (v.vote_a.block_id.hash = "ABCD"))).toThrow(/vote_a.block_id.hash/);
    expect(bad((v) => (v.vote_a.validator_address = 5))).toThrow(/vote_a.validator_address/);
    expect(bad((v) => (v.vote_b.signature = "AAAA"))).toThrow(/vote_b.signature/);
    expect(bad((v) => (v.vote_b.timestamp = "yesterday"))).toThrow(/vote_b.timestamp/);
    expect(() => evidenceFromJson({ type: "tendermint/LightClientAttackEvidence", value: {} })).toThrow(
      /not supported/,
    );
  });
});
