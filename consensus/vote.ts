// Votes and their sign bytes. Every signature a validator makes is over a domain-separated hash
// that binds the chain id, so a vote can never be replayed on another chain or as a tx.
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20, Bytes32, Bytes64, Uint32, Uint64Num, Uint8 } from "../state/encoding/types.ts";
import { domainSignBytes } from "./signBytes.ts";

export const VoteType = { Prevote: 1, Precommit: 2 } as const;
export type VoteTypeValue = (typeof VoteType)[keyof typeof VoteType];

export const VoteBody = new ContainerType(
  { type: Uint8, height: Uint64Num, round: Uint32, blockId: Bytes32, timestamp: Uint64Num, validator: Bytes20 },
  { typeName: "VoteBody" },
);
export const Vote = new ContainerType({ body: VoteBody, signature: Bytes64 }, { typeName: "Vote" });
export type VoteBodyValue = ValueOf<typeof VoteBody>;
export type VoteValue = ValueOf<typeof Vote>;

/** An all-zero block id is a vote for nil. */
export const NIL_BLOCK_ID = new Uint8Array(32);

const VOTE_DOMAIN = new TextEncoder().encode("strata/vote/v1");

export function voteSignBytes(chainId: string, body: VoteBodyValue): Uint8Array {
  return domainSignBytes(VOTE_DOMAIN, chainId, VoteBody.serialize(body));
}
