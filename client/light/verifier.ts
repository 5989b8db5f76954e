// Header verification as CometBFT's light/verifier.go: adjacent headers are checked against the
// trusted header's next validator set (> 2/3 of it signed), non-adjacent ones by skipping (more
// than 1/3 of the trusted set's power signed the new header, and > 2/3 of the new set), always
// within the trusting period. Pure: the caller brings the blocks and the clock.
import { addressFromPubkey } from "../../state/crypto/address.ts";
import { verifySignature } from "../../state/crypto/ed25519.ts";
import { BlockIdFlag, type CommitValue } from "../../state/encoding/types.ts";
import { validatorsHash } from "../../state/validators.ts";
import { blockIdOf } from "../../consensus/blockHashes.ts";
import { commitSigSignBytes, type PowerEntry } from "../../consensus/commitVerify.ts";
import type { LightBlock } from "./lightBlock.ts";
import { LightClientError } from "./lightClientError.ts";

export type VerifyOptions = {
  chainId: string;
  /** how long a verified header may serve as trust (CometBFT's TrustingPeriod, < the unbonding time) */
  trustingPeriodMs: number;
  /** a header may be at most this far ahead of `now` (CometBFT's maxClockDrift, 10 s) */
  maxClockDriftMs: number;
  now: number;
};

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const eq = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/**
 * Power of `vals` whose valid precommit for (height, blockId) is in `commit`. `strict`: every
 * signer must be in `vals` (the commit's own set); otherwise unknown signers are skipped (the
 * trusted set of skipping). A signer counted twice or a signature that does not verify fails.
 */
function signedPower(
  chainId: string,
  vals: readonly PowerEntry[],
  height: number,
  blockId: Uint8Array,
  commit: CommitValue,
  strict: boolean,
): { signed: number; total: number } {
  if (commit.height !== height)
    throw new LightClientError("bad_commit", `commit is for height ${commit.height}, expected ${height}`);
  if (!eq(commit.blockId, blockId))
    throw new LightClientError(
      "bad_commit",
      `commit at height ${height} is for block ${hex(commit.blockId)}, not the header's ${hex(blockId)}`,
    );
  const byAddr = new Map(vals.map((v) => [hex(addressFromPubkey(v.pubkey)), v]));
  const seen = new Set<string>();
  let signed = 0;
  for (const s of commit.signatures) {
    if (s.flag !== BlockIdFlag.Commit) continue;
    const a = hex(s.validator);
    const v = byAddr.get(a);
    if (!v) {
      if (strict)
        throw new LightClientError(
          "bad_commit",
          `commit at height ${height} carries a signature of ${a}, not in the validator set`,
        );
      continue;
    }
    if (seen.has(a)) throw new LightClientError("bad_commit", `commit at height ${height} counts ${a} twice`);
    seen.add(a);
    if (!verifySignature(v.pubkey, commitSigSignBytes(chainId, height, commit.round, blockId, s), s.signature))
      throw new LightClientError("bad_commit", `signature of ${a} on the commit at height ${height} does not verify`);
    signed += v.power;
  }
  return { signed, total: vals.reduce((t, v) => t + v.power, 0) };
}

/** CometBFT VerifyCommitLight: more than 2/3 of `vals`' power signed this block. */
export function verifyCommitLight(chainId: string, vals: readonly PowerEntry[], b: LightBlock): void {
  const { signed, total } = signedPower(chainId, vals, b.height, b.hash, b.commit, true);
  if (signed * 3 <= total * 2)
    throw new LightClientError(
      "not_enough_power",
      `commit at height ${b.height} is signed by ${signed} of ${total} power: not more than 2/3`,
    );
}

/** CometBFT VerifyCommitLightTrusting with trust level 1/3: more than 1/3 of the trusted set signed. */
export function verifyCommitLightTrusting(chainId: string, trustedVals: readonly PowerEntry[], b: LightBlock): void {
  const { signed, total } = signedPower(chainId, trustedVals, b.height, b.hash, b.commit, false);
  if (signed * 3 <= total)
    throw new LightClientError(
      "not_enough_trust",
      `header ${b.height} is signed by ${signed} of the trusted set's ${total} power: not more than 1/3`,
    );
}

/** The block is what it says: id = hash of its header, chain id, and its set hashes to validators_hash. */
export function validateBasic(b: LightBlock, chainId: string): void {
  if (!eq(blockIdOf(b.header), b.hash))
    throw new LightClientError("forged_header", `header ${b.height}: the hash given is not the header's`);
  if (b.header.height !== b.height)
    throw new LightClientError("forged_header", `header says height ${b.header.height}, asked ${b.height}`);
  if (Buffer.from(b.header.chainId).toString() !== chainId)
    throw new LightClientError(
      "forged_header",
      `header ${b.height} is of chain "${Buffer.from(b.header.chainId).toString()}", not "${chainId}"`,
    );
  if (!eq(validatorsHash(b.validators), b.header.validatorsHash))
    throw new LightClientError(
      "wrong_validator_set",
      `the validator set served for height ${b.height} does not hash to its header's validators_hash`,
    );
}

function checkTimes(trusted: LightBlock, untrusted: LightBlock, o: VerifyOptions): void {
  if (trusted.header.time + o.trustingPeriodMs <= o.now)
    throw new LightClientError(
      "expired",
      `trusted header ${trusted.height} (${new Date(trusted.header.time).toISOString()}) is older than the trusting period of ${o.trustingPeriodMs} ms: re-initialise trust`,
    );
  if (untrusted.header.time <= trusted.header.time)
    throw new LightClientError(
      "bad_time",
      `header ${untrusted.height} is not later than trusted header ${trusted.height}`,
    );
  if (untrusted.header.time > o.now + o.maxClockDriftMs)
    throw new LightClientError(
      "bad_time",
      `header ${untrusted.height} is from the future (${new Date(untrusted.header.time).toISOString()})`,
    );
}

/** CometBFT VerifyAdjacent, plus the hash link: header H+1 names H as its last block. */
export function verifyAdjacent(trusted: LightBlock, untrusted: LightBlock, o: VerifyOptions): void {
  if (untrusted.height !== trusted.height + 1) throw new Error("verifyAdjacent: headers are not adjacent");
  validateBasic(untrusted, o.chainId);
  checkTimes(trusted, untrusted, o);
  if (!eq(untrusted.header.lastBlockId, trusted.hash))
    throw new LightClientError(
      "forged_header",
      `header ${untrusted.height} does not name the trusted header ${trusted.height} as its last block`,
    );
  if (!eq(untrusted.header.validatorsHash, trusted.header.nextValidatorsHash))
    throw new LightClientError(
      "wrong_validator_set",
      `header ${untrusted.height}'s validators_hash is not the trusted header's next_validators_hash`,
    );
  verifyCommitLight(o.chainId, untrusted.validators, untrusted);
}

/** CometBFT VerifyNonAdjacent: > 1/3 of the trusted set and > 2/3 of the new set signed the new header. */
export function verifyNonAdjacent(trusted: LightBlock, untrusted: LightBlock, o: VerifyOptions): void {
  if (untrusted.height <= trusted.height + 1)
    throw new Error("verifyNonAdjacent: headers are adjacent or out of order");
  validateBasic(untrusted, o.chainId);
  checkTimes(trusted, untrusted, o);
  verifyCommitLightTrusting(o.chainId, trusted.validators, untrusted);
  verifyCommitLight(o.chainId, untrusted.validators, untrusted);
}
