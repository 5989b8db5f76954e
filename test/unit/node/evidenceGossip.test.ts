// The evidence topic's verdicts: valid evidence is accepted (and forwarded); evidence an honest
// peer could send from another view of the chain is ignored; evidence that can never be valid is
// rejected (the sender loses score).
import { describe, expect, it } from "vitest";
import { EvidenceRule } from "#consensus/evidence/verifyEvidence.ts";
import { evidenceVerdict } from "#node/evidenceGossip.ts";

describe("evidence gossip verdicts", () => {
  it("accepts valid, ignores what depends on the receiver's view, rejects the rest", () => {
    expect(
      evidenceVerdict({
        ok: true,
        misbehaviour: { kind: "duplicate_vote", validator: new Uint8Array(20), height: 1, time: 0, power: 1 },
      }),
    ).toBe("accept");
    for (const rule of [
      EvidenceRule.FutureHeight,
      EvidenceRule.NotRetained,
      EvidenceRule.UnknownSet,
      EvidenceRule.Expired,
    ])
      expect(evidenceVerdict({ ok: false, rule, reason: "" })).toBe("ignore");
    for (const rule of [
      EvidenceRule.Decode,
      EvidenceRule.BadSignature,
      EvidenceRule.NotMember,
      EvidenceRule.Mismatch,
      EvidenceRule.SameBlock,
      EvidenceRule.Order,
      EvidenceRule.DifferentValidators,
    ]) {
      expect(evidenceVerdict({ ok: false, rule, reason: "" })).toBe("reject");
    }
  });
});
