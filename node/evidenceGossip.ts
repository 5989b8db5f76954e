// Evidence on the gossip topic `/strata/<chainId>/evidence/1` (CometBFT's evidence reactor, by
// push): a node publishes evidence a client sent it, and each peer's topic validator verifies it
// against its own committed chain (Chain.submitEvidence, which keeps it in the pool if valid), so
// evidence sent to any one node reaches every proposer. Evidence of a height the peer has not
// committed, whose block or set it does not hold, or that just expired is ignored (an honest sender may be
// ahead or behind); evidence that can never be valid is rejected and costs the sender score.
import { EvidenceRule, type EvidenceVerdict } from "../consensus/evidence/verifyEvidence.ts";
import type { Verdict } from "./gossipVerdict.ts";

export function evidenceVerdict(v: EvidenceVerdict): Verdict {
  if (v.ok) return "accept";
  const view: readonly string[] = [
    EvidenceRule.FutureHeight,
    EvidenceRule.NotRetained,
    EvidenceRule.UnknownSet,
    EvidenceRule.Expired,
  ];
  return view.includes(v.rule) ? "ignore" : "reject";
}
