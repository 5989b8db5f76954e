// Checks that a commit carries precommits of more than 2/3 of the voting power for a block.
import { BlockIdFlag, type CommitValue } from "../state/encoding/types.ts";
import { verifySignature } from "../state/crypto/ed25519.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import { VoteType, voteSignBytes } from "./vote.ts";

/**
 * What the validator of commit signature `sig` signed: its precommit for `blockId` at
 * `height`/`round` with the signature's own timestamp (nodes and the light client verify alike).
 */
export function commitSigSignBytes(
  chainId: string,
  height: number,
  round: number,
  blockId: Uint8Array,
  sig: { timestamp: number; validator: Uint8Array },
): Uint8Array {
  return voteSignBytes(chainId, {
    type: VoteType.Precommit,
    height,
    round,
    blockId,
    timestamp: sig.timestamp,
    validator: sig.validator,
  });
}

export type PowerEntry = { pubkey: Uint8Array; power: number };

export type CommitInvalidReason =
  | { ok: true }
  | {
      ok: false;
      reason: "wrong_height" | "wrong_block" | "wrong_size" | "bad_signature" | "not_enough_power";
      detail: string;
    };

/**
 * `commit.signatures[i]` belongs to `vals[i]` (the set that signed height H, in set order).
 * PERF: one ed25519 verify per committed signature.
 */
export function getCommitValidity(
  chainId: string,
  vals: readonly PowerEntry[],
  height: number,
  blockId: Uint8Array,
  commit: CommitValue,
): CommitInvalidReason {
  if (commit.height !== height)
    return { ok: false, reason: "wrong_height", detail: `commit is for height ${commit.height}, expected ${height}` };
  if (Buffer.compare(commit.blockId, blockId) !== 0)
    return { ok: false, reason: "wrong_block", detail: "commit is for another block" };
  if (commit.signatures.length !== vals.length) {
    return {
      ok: false,
      reason: "wrong_size",
      detail: `commit has ${commit.signatures.length} signatures for ${vals.length} validators`,
    };
  }
  let total = 0;
  let signed = 0;
  for (let i = 0; i < vals.length; i++) {
    total += vals[i].power;
    const s = commit.signatures[i];
    if (s.flag !== BlockIdFlag.Commit) continue;
    const addr = addressFromPubkey(vals[i].pubkey);
    if (Buffer.compare(addr, s.validator) !== 0)
      return { ok: false, reason: "bad_signature", detail: `signature ${i} names the wrong validator` };
    if (!verifySignature(vals[i].pubkey, commitSigSignBytes(chainId, height, commit.round, blockId, s), s.signature))
      return { ok: false, reason: "bad_signature", detail: `signature ${i} does not verify` };
    signed += vals[i].power;
  }
  if (signed * 3 <= total * 2)
    return { ok: false, reason: "not_enough_power", detail: `signed power ${signed} of ${total} is not > 2/3` };
  return { ok: true };
}
