// Why the light client refused what a node told it: a stable kind to branch on, and a sentence.
export type LightClientErrorKind =
  /** the answer does not decode into the values the chain hashes */
  | "malformed"
  /** a header that does not hash to what the trusted chain says (trust hash, lastBlockId, commit's block id) */
  | "forged_header"
  /** the validator set served does not hash to the header's validators_hash / the trusted next_validators_hash */
  | "wrong_validator_set"
  /** a signature that does not verify, a signer twice or unknown, a commit for another height or block */
  | "bad_commit"
  /** signed by ≤ 2/3 of the set's power */
  | "not_enough_power"
  /** skipping: ≤ 1/3 of the trusted set signed the new header (bisection takes over) */
  | "not_enough_trust"
  /** the trusted header is older than the trusting period, or a header from the future / going back in time */
  | "expired"
  | "bad_time"
  /** a state or tx proof that does not match the verified header */
  | "invalid_proof"
  /** a witness proves another header at the same height from the same trust: a fork or an attack */
  | "conflicting_headers";

export class LightClientError extends Error {
  readonly kind: LightClientErrorKind;
  constructor(kind: LightClientErrorKind, message: string) {
    super(message);
    this.name = "LightClientError";
    this.kind = kind;
  }
}
