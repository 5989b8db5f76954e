// The one registry of store key prefixes. First byte = owner, second = kind. A prefix that is
// retired stays listed here (commented) and is never reused: reusing it would let old data be
// read as a new kind.
export const Prefix = {
  chain: 0x00, // chain-level records: params, validator set
  bank: 0x01,
  staking: 0x02,
  distribution: 0x03,
  slashing: 0x04,
  lst: 0x05,
  lrt: 0x06,
  strategy: 0x07,
} as const;

export const ChainKey = {
  txParams: Uint8Array.of(Prefix.chain, 0x01),
  blockParams: Uint8Array.of(Prefix.chain, 0x02),
  validators: Uint8Array.of(Prefix.chain, 0x03),
  authority: Uint8Array.of(Prefix.chain, 0x04),
  chainId: Uint8Array.of(Prefix.chain, 0x05),
  /** S_{H+2}: decided at the end of block H (CometBFT's H + 2 rule) */
  validatorsPending: Uint8Array.of(Prefix.chain, 0x06),
  /** S_H: the set that signed the last block (verifies the next block's lastCommit) */
  validatorsLast: Uint8Array.of(Prefix.chain, 0x07),
  lastBlockTime: Uint8Array.of(Prefix.chain, 0x08),
  /** evidence max age (state/evidenceParams.ts); 0x20 leaves 0x09.. to the chain's other records */
  evidenceParams: Uint8Array.of(Prefix.chain, 0x20),
} as const;

export function prefixed(prefix: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  let n = prefix.length;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  out.set(prefix, 0);
  let o = prefix.length;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
}
