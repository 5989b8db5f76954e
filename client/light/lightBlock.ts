// What the light client verifies at a height: the signed header (header + the commit that
// decided it) and the validator set that signed it, decoded from the node's CometBFT-shaped JSON
// (`commit`, `validators`) into the exact values the chain hashes and signs.
import { Header, type CommitValue, type HeaderValue } from "../../state/encoding/types.ts";
import { blockIdOf } from "../../consensus/blockHashes.ts";
import type { PowerEntry } from "../../consensus/commitVerify.ts";
import { LightClientError } from "./lightClientError.ts";

export type LightBlock = {
  height: number;
  header: HeaderValue;
  /** the block id: hash of the header */
  hash: Uint8Array;
  commit: CommitValue;
  /** S_height: the set that signed this block */
  validators: PowerEntry[];
};

const malformed = (what: string): never => {
  throw new LightClientError("malformed", `the node's answer is malformed: ${what}`);
};

function hexBytes(v: unknown, n: number, what: string, emptyIsZero = false): Uint8Array {
  if (v === "" && emptyIsZero) return new Uint8Array(n);
  if (typeof v !== "string" || !/^[0-9a-fA-F]*$/.test(v) || v.length !== n * 2)
    return malformed(`${what} is not ${n} bytes of hex`);
  return new Uint8Array(Buffer.from(v, "hex"));
}

function b64Bytes(v: unknown, n: number, what: string): Uint8Array {
  const b = typeof v === "string" ? Buffer.from(v, "base64") : undefined;
  if (!b || b.length !== n) return malformed(`${what} is not ${n} bytes of base64`);
  return new Uint8Array(b);
}

function int(v: unknown, what: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^[0-9]{1,16}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) return malformed(`${what} is not a non-negative integer`);
  return n;
}

function time(v: unknown, what: string): number {
  const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(t)) return malformed(`${what} is not an RFC 3339 time`);
  return t;
}

type J = Record<string, any>;

export function headerFromJson(h: J): HeaderValue {
  if (!h || typeof h !== "object") return malformed("header missing");
  const header: HeaderValue = {
    chainId: new TextEncoder().encode(String(h.chain_id ?? "")),
    height: int(h.height, "header.height"),
    time: time(h.time, "header.time"),
    lastBlockId: hexBytes(h.last_block_id?.hash, 32, "header.last_block_id.hash", true),
    lastCommitHash: hexBytes(h.last_commit_hash, 32, "header.last_commit_hash"),
    txsHash: hexBytes(h.data_hash, 32, "header.data_hash"),
    stateRoot: hexBytes(h.app_hash, 32, "header.app_hash"),
    validatorsHash: hexBytes(h.validators_hash, 32, "header.validators_hash"),
    nextValidatorsHash: hexBytes(h.next_validators_hash, 32, "header.next_validators_hash"),
    evidenceHash: hexBytes(h.evidence_hash, 32, "header.evidence_hash"),
    proposer: hexBytes(h.proposer_address, 20, "header.proposer_address"),
  };
  try {
    Header.hashTreeRoot(header);
  } catch (e) {
    malformed(`header does not encode: ${(e as Error).message}`);
  }
  return header;
}

export function commitFromJson(c: J): CommitValue {
  if (!c || typeof c !== "object" || !Array.isArray(c.signatures)) return malformed("commit missing");
  return {
    height: int(c.height, "commit.height"),
    round: int(c.round, "commit.round"),
    blockId: hexBytes(c.block_id?.hash, 32, "commit.block_id.hash"),
    signatures: (c.signatures as J[]).map((s, i) => {
      const flag = int(s.block_id_flag, `commit.signatures[${i}].block_id_flag`);
      if (flag === 1) return { flag, validator: new Uint8Array(20), timestamp: 0, signature: new Uint8Array(64) };
      return {
        flag,
        validator: hexBytes(s.validator_address, 20, `commit.signatures[${i}].validator_address`),
        timestamp: time(s.timestamp, `commit.signatures[${i}].timestamp`),
        signature: b64Bytes(s.signature, 64, `commit.signatures[${i}].signature`),
      };
    }),
  };
}

export function validatorsFromJson(vals: J[]): PowerEntry[] {
  if (!Array.isArray(vals)) return malformed("validators missing");
  return vals.map((v, i) => {
    if (v?.pub_key?.type !== "tendermint/PubKeyEd25519") malformed(`validators[${i}].pub_key is not ed25519`);
    return {
      pubkey: b64Bytes(v.pub_key.value, 32, `validators[${i}].pub_key`),
      power: int(v.voting_power, `validators[${i}].voting_power`),
    };
  });
}

export function lightBlockOf(header: HeaderValue, commit: CommitValue, validators: PowerEntry[]): LightBlock {
  return { height: header.height, header, hash: blockIdOf(header), commit, validators };
}
