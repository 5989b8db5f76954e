// The evidence rules (CometBFT evidence/verify.go VerifyDuplicateVote, docs/protocol.md
// "Evidence"): every node checks a block's evidence with this one function before executing the
// block, and a block with evidence that breaks a rule is invalid. What passes becomes verified
// misbehaviour for the state machine. Pure: the chain's history comes in through the context.
import { verifySignature } from "../../state/crypto/ed25519.ts";
import { addressFromPubkey } from "../../state/crypto/address.ts";
import type { EvidenceParamsValue } from "../../state/evidenceParams.ts";
import type { Misbehaviour } from "../../state/misbehaviour.ts";
import type { PowerEntry } from "../commitVerify.ts";
import { voteSignBytes } from "../vote.ts";
import { decodeEvidence } from "./duplicateVoteEvidence.ts";

export type EvidenceContext = {
  chainId: string;
  /** the block the evidence would go in (its height and header time): the age is measured from it */
  height: number;
  time: number;
  params: EvidenceParamsValue;
  /** the set that signed block `h` (S_h), or undefined when this node does not know it */
  validatorSetAt(h: number): readonly PowerEntry[] | undefined;
  /** header time of committed block `h`, or undefined when not committed (or not retained) */
  blockTimeAt(h: number): number | undefined;
};

/** Which rule evidence broke: stable names, said by broadcast_evidence and in block rejections. */
export const EvidenceRule = {
  Decode: "decode",
  Mismatch: "height_round_type_mismatch",
  DifferentValidators: "different_validators",
  SameBlock: "same_block",
  Order: "canonical_order",
  FutureHeight: "future_height",
  NotRetained: "block_not_retained",
  Expired: "expired",
  UnknownSet: "unknown_validator_set",
  NotMember: "not_a_member",
  BadSignature: "bad_signature",
} as const;
export type EvidenceRuleValue = (typeof EvidenceRule)[keyof typeof EvidenceRule];

export type EvidenceVerdict =
  | { ok: true; misbehaviour: Misbehaviour }
  | { ok: false; rule: EvidenceRuleValue; reason: string };

const fail = (rule: EvidenceRuleValue, reason: string): EvidenceVerdict => ({ ok: false, rule, reason });
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

/**
 * Evidence of height h is valid in a block of height H at time T when: it decodes; both votes
 * are for h, the same round and type, by the same validator, for different block ids (in
 * canonical order); h < H (block h is committed); the signer's address is in S_h; both
 * signatures verify with the key S_h holds for it; block h is retained (its time known) and the
 * evidence is not expired (expired = H − h > maxAgeNumBlocks AND T − time(h) > maxAgeDurationMs).
 * PERF: two ed25519 verifies, then one block read (cached by the node).
 */
export function verifyEvidence(raw: Uint8Array, ctx: EvidenceContext): EvidenceVerdict {
  const e = decodeEvidence(raw);
  if (!e) return fail(EvidenceRule.Decode, "evidence does not decode as DuplicateVoteEvidence");
  const a = e.voteA.body;
  const b = e.voteB.body;
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type)
    return fail(EvidenceRule.Mismatch, "votes are for different height/round/type");
  if (Buffer.compare(a.validator, b.validator) !== 0)
    return fail(EvidenceRule.DifferentValidators, "votes are from different validators");
  const order = Buffer.compare(a.blockId, b.blockId);
  if (order === 0) return fail(EvidenceRule.SameBlock, "votes are for the same block: no equivocation");
  if (order > 0) return fail(EvidenceRule.Order, "votes must be in canonical order (vote_a's block id below vote_b's)");
  const h = a.height;
  if (h >= ctx.height)
    return fail(EvidenceRule.FutureHeight, `evidence height ${h} is not a committed height below ${ctx.height}`);
  // membership and signatures before the block time: reading a block is the costly part, and
  // only a validator's own key can get a piece of evidence that far
  const set = ctx.validatorSetAt(h);
  if (!set) return fail(EvidenceRule.UnknownSet, `the validator set of height ${h} is not known to this node`);
  const member = set.find((v) => Buffer.compare(addressFromPubkey(v.pubkey), a.validator) === 0);
  if (!member)
    return fail(EvidenceRule.NotMember, `validator ${hex(a.validator)} was not in the validator set of height ${h}`);
  if (!verifySignature(member.pubkey, voteSignBytes(ctx.chainId, a), e.voteA.signature))
    return fail(
      EvidenceRule.BadSignature,
      "vote_a's signature does not verify with the validator's key at that height",
    );
  if (!verifySignature(member.pubkey, voteSignBytes(ctx.chainId, b), e.voteB.signature))
    return fail(
      EvidenceRule.BadSignature,
      "vote_b's signature does not verify with the validator's key at that height",
    );
  const time = ctx.blockTimeAt(h);
  if (time === undefined)
    return fail(EvidenceRule.NotRetained, `block ${h} is not retained by this node (its time is unknown)`);
  const ageBlocks = ctx.height - h;
  const ageMs = ctx.time - time;
  if (ageBlocks > ctx.params.maxAgeNumBlocks && ageMs > ctx.params.maxAgeDurationMs) {
    return fail(
      EvidenceRule.Expired,
      `evidence is ${ageBlocks} blocks and ${ageMs} ms old: older than both maxAgeNumBlocks ${ctx.params.maxAgeNumBlocks} and maxAgeDurationMs ${ctx.params.maxAgeDurationMs}`,
    );
  }
  return {
    ok: true,
    misbehaviour: { kind: "duplicate_vote", validator: a.validator, height: h, time, power: member.power },
  };
}

/**
 * A block's evidence list: every item valid and no item twice (CometBFT refuses duplicate
 * evidence in a block). Returns the misbehaviour in block order, or the first broken rule.
 */
export function verifyBlockEvidence(
  list: readonly Uint8Array[],
  ctx: EvidenceContext,
): { ok: true; misbehaviour: Misbehaviour[] } | { ok: false; reason: string } {
  const seen = new Set<string>();
  const out: Misbehaviour[] = [];
  for (let i = 0; i < list.length; i++) {
    const k = Buffer.from(list[i]).toString("hex");
    if (seen.has(k)) return { ok: false, reason: `evidence ${i} appears twice in the block` };
    seen.add(k);
    const v = verifyEvidence(list[i], ctx);
    if (!v.ok) return { ok: false, reason: `evidence ${i} is invalid (${v.rule}): ${v.reason}` };
    out.push(v.misbehaviour);
  }
  return { ok: true, misbehaviour: out };
}
