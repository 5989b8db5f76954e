// broadcast_evidence's input: CometBFT v0.38's DuplicateVoteEvidence JSON
// ({"type": "tendermint/DuplicateVoteEvidence", "value": {vote_a, vote_b, …}}, or the value
// alone) into our evidence bytes. Each vote: type 1|2, height, round, block_id.hash (hex),
// timestamp (RFC 3339), validator_address (hex), signature (base64). total_voting_power,
// validator_power and timestamp of the evidence are the node's to know, so they are ignored.
import { encodeEvidence } from "../consensus/evidence/duplicateVoteEvidence.ts";
import { VoteType, type VoteValue } from "../consensus/vote.ts";
import { RpcParamsError } from "./jsonrpc.ts";

const HEX = /^(0x)?([0-9a-fA-F]*)$/;

function bytes(v: unknown, field: string, n: number, enc: "hex" | "base64"): Uint8Array {
  if (typeof v !== "string") throw new RpcParamsError(`${field} must be a string`);
  if (enc === "hex") {
    if (v === "" && n === 32) return new Uint8Array(32); // a vote for nil has an empty block id
    const m = HEX.exec(v);
    if (!m || m[2].length !== n * 2) throw new RpcParamsError(`${field} must be ${n} bytes of hex`);
    return new Uint8Array(Buffer.from(m[2], "hex"));
  }
  const b = Buffer.from(v, "base64");
  if (b.length !== n || b.toString("base64") !== v) throw new RpcParamsError(`${field} must be ${n} bytes of base64`);
  return new Uint8Array(b);
}

function uint(v: unknown, field: string): number {
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s !== "string" || !/^(0|[1-9][0-9]{0,15})$/.test(s) || !Number.isSafeInteger(Number(s)))
    throw new RpcParamsError(`${field} must be a non-negative integer`);
  return Number(s);
}

function parseVote(v: unknown, field: string): VoteValue {
  if (typeof v !== "object" || v === null) throw new RpcParamsError(`${field} must be an object`);
  const o = v as Record<string, unknown>;
  const type = uint(o.type, `${field}.type`);
  if (type !== VoteType.Prevote && type !== VoteType.Precommit)
    throw new RpcParamsError(`${field}.type must be 1 (prevote) or 2 (precommit)`);
  const blockId = o.block_id as Record<string, unknown> | undefined;
  const time = typeof o.timestamp === "string" ? Date.parse(o.timestamp) : Number.NaN;
  if (!Number.isFinite(time) || time < 0) throw new RpcParamsError(`${field}.timestamp must be an RFC 3339 time`);
  return {
    body: {
      type,
      height: uint(o.height, `${field}.height`),
      round: uint(o.round ?? 0, `${field}.round`),
      blockId: bytes(blockId?.hash ?? "", `${field}.block_id.hash`, 32, "hex"),
      timestamp: time,
      validator: bytes(o.validator_address, `${field}.validator_address`, 20, "hex"),
    },
    signature: bytes(o.signature, `${field}.signature`, 64, "base64"),
  };
}

/** The evidence bytes of a DuplicateVoteEvidence JSON; RpcParamsError names the bad field. */
export function evidenceFromJson(json: Record<string, unknown>): Uint8Array {
  const typed = typeof json.type === "string";
  if (typed && json.type !== "tendermint/DuplicateVoteEvidence")
    throw new RpcParamsError(
      `evidence.type ${JSON.stringify(json.type)} is not supported (only tendermint/DuplicateVoteEvidence)`,
    );
  const value = (typed ? json.value : json) as Record<string, unknown> | undefined;
  if (typeof value !== "object" || value === null) throw new RpcParamsError("evidence.value must be an object");
  return encodeEvidence(
    parseVote(value.vote_a, "evidence.value.vote_a"),
    parseVote(value.vote_b, "evidence.value.vote_b"),
  );
}
