// Our blocks in CometBFT v0.38's JSON shapes: string heights, upper-hex hashes, base64 bytes,
// RFC 3339 times, block ids with part set headers.
import type { BlockValue, CommitValue, HeaderValue } from "../state/encoding/types.ts";
import { decodeEvidence } from "../consensus/evidence/duplicateVoteEvidence.ts";
import { duplicateVoteEvidenceJson } from "../client/evidenceJson.ts";

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();
export const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
export const rfc3339 = (ms: number): string => new Date(ms).toISOString();
const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** We do not split blocks into parts; one part whose hash is the block id keeps clients happy. */
export function blockIdJson(id: Uint8Array) {
  if (isZero(id)) return { hash: "", parts: { total: 0, hash: "" } };
  return { hash: hex(id), parts: { total: 1, hash: hex(id) } };
}

export function headerJson(h: HeaderValue) {
  return {
    version: { block: "11", app: "1" },
    chain_id: Buffer.from(h.chainId).toString(),
    height: String(h.height),
    time: rfc3339(h.time),
    last_block_id: blockIdJson(h.lastBlockId),
    last_commit_hash: hex(h.lastCommitHash),
    data_hash: hex(h.txsHash),
    validators_hash: hex(h.validatorsHash),
    next_validators_hash: hex(h.nextValidatorsHash),
    consensus_hash: hex(new Uint8Array(32)),
    app_hash: hex(h.stateRoot),
    last_results_hash: "",
    evidence_hash: hex(h.evidenceHash),
    proposer_address: hex(h.proposer),
  };
}

export function commitJson(c: CommitValue) {
  return {
    height: String(c.height),
    round: c.round,
    block_id: blockIdJson(c.blockId),
    signatures: c.signatures.map((s) => ({
      block_id_flag: s.flag,
      validator_address: s.flag === 1 ? "" : hex(s.validator),
      timestamp: s.flag === 1 ? "0001-01-01T00:00:00Z" : rfc3339(s.timestamp),
      signature: s.flag === 1 ? null : b64(s.signature),
    })),
  };
}

export function blockJson(id: Uint8Array, b: BlockValue) {
  return {
    block_id: blockIdJson(id),
    block: {
      header: headerJson(b.header),
      data: { txs: b.txs.map(b64) },
      // v0.38's evidence list: each DuplicateVoteEvidence with its two votes (power and time
      // fields are not in our evidence bytes: see the validator's misbehaviour event instead)
      evidence: {
        evidence: b.evidence.flatMap((raw) => {
          const e = decodeEvidence(raw);
          return e ? [duplicateVoteEvidenceJson(e.voteA, e.voteB)] : [];
        }),
      },
      last_commit: commitJson(b.lastCommit),
    },
  };
}
