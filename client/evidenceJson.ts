// Two conflicting votes as the JSON broadcast_evidence takes (CometBFT v0.38 DuplicateVoteEvidence).
import type { VoteValue } from "../consensus/vote.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

function voteJson(v: VoteValue) {
  const b = v.body;
  return {
    type: b.type,
    height: String(b.height),
    round: b.round,
    block_id: { hash: b.blockId.every((x) => x === 0) ? "" : hex(b.blockId), parts: { total: 0, hash: "" } },
    timestamp: new Date(b.timestamp).toISOString(),
    validator_address: hex(b.validator),
    validator_index: 0,
    signature: Buffer.from(v.signature).toString("base64"),
  };
}

export function duplicateVoteEvidenceJson(voteA: VoteValue, voteB: VoteValue) {
  return {
    type: "tendermint/DuplicateVoteEvidence",
    value: {
      vote_a: voteJson(voteA),
      vote_b: voteJson(voteB),
      total_voting_power: "0",
      validator_power: "0",
      timestamp: new Date(0).toISOString(),
    },
  };
}
