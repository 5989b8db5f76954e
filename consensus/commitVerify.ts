// Checks that a commit carries precommits of more than 2/3 of the voting power for a block.
import { BlockIdFlag, type CommitValue } from "../state/encoding/types.ts";
import { verifySignature } from "../state/crypto/ed25519.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import { VoteType, voteSignBytes } from "./vote.ts";

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
    const sb = voteSignBytes(chainId, {
      type: VoteType.Precommit,
      height,
      round: commit.round,
      blockId,
      timestamp: s.timestamp,
      validator: s.validator,
    });
    if (!verifySignature(vals[i].pubkey, sb, s.signature))
      return { ok: false, reason: "bad_signature", detail: `signature ${i} does not verify` };
    signed += vals[i].power;
  }
  if (signed * 3 <= total * 2)
    return { ok: false, reason: "not_enough_power", detail: `signed power ${signed} of ${total} is not > 2/3` };
  return { ok: true };
}
