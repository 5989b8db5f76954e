// Evidence of double signing (CometBFT's DuplicateVoteEvidence): two votes by one validator for
// the same height, round and type but different blocks. Carried in blocks as SSZ bytes; the
// header's evidenceHash commits to them.
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { sha256 } from "../../state/crypto/hash.ts";
import { Vote, type VoteValue } from "../vote.ts";

export const DuplicateVoteEvidence = new ContainerType(
  { voteA: Vote, voteB: Vote },
  { typeName: "DuplicateVoteEvidence" },
);
export type DuplicateVoteEvidenceValue = ValueOf<typeof DuplicateVoteEvidence>;

/** Canonical order (by block id) so two nodes that saw the votes in different orders make the same bytes. */
export function encodeEvidence(a: VoteValue, b: VoteValue): Uint8Array {
  const [x, y] = Buffer.compare(a.body.blockId, b.body.blockId) <= 0 ? [a, b] : [b, a];
  return DuplicateVoteEvidence.serialize({ voteA: x, voteB: y });
}

export function decodeEvidence(raw: Uint8Array): DuplicateVoteEvidenceValue | undefined {
  try {
    return DuplicateVoteEvidence.deserialize(raw);
  } catch {
    return undefined;
  }
}

/** The evidence hash broadcast_evidence answers with: sha256 of its bytes, upper hex like CometBFT. */
export function evidenceHash(raw: Uint8Array): string {
  return Buffer.from(sha256(raw)).toString("hex").toUpperCase();
}
