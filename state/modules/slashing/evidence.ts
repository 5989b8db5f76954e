// Evidence of double signing: two votes by one validator for the same height, round and type
// but different blocks. Carried in blocks (SSZ bytes), checked by every node the same way.
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Vote, voteSignBytes, type VoteValue } from "../../../consensus/vote.ts";
import { verifySignature } from "../../crypto/ed25519.ts";

export const DuplicateVoteEvidence = new ContainerType({ voteA: Vote, voteB: Vote }, { typeName: "DuplicateVoteEvidence" });
export type DuplicateVoteEvidenceValue = ValueOf<typeof DuplicateVoteEvidence>;

export function encodeEvidence(a: VoteValue, b: VoteValue): Uint8Array {
  // canonical order (by block id) so two nodes that saw the votes in different orders agree
  const [x, y] = Buffer.compare(a.body.blockId, b.body.blockId) <= 0 ? [a, b] : [b, a];
  return DuplicateVoteEvidence.serialize({ voteA: x, voteB: y });
}

/** Why evidence is invalid, or undefined if it proves a double sign by `pubkey`. */
export function getEvidenceInvalidity(chainId: string, e: DuplicateVoteEvidenceValue, pubkey: Uint8Array): string | undefined {
  const a = e.voteA.body;
  const b = e.voteB.body;
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type) return "votes are for different height/round/type";
  if (Buffer.compare(a.validator, b.validator) !== 0) return "votes are from different validators";
  if (Buffer.compare(a.blockId, b.blockId) >= 0) return "votes must be for different blocks, in canonical order";
  if (!verifySignature(pubkey, voteSignBytes(chainId, a), e.voteA.signature)) return "first vote's signature is invalid";
  if (!verifySignature(pubkey, voteSignBytes(chainId, b), e.voteB.signature)) return "second vote's signature is invalid";
  return undefined;
}
