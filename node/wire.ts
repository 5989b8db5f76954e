// Gossip and sync payloads (SSZ). Gossip payloads carry a relay nonce so a node can re-send the
// same vote or proposal (gossipsub drops byte-identical repeats) to peers that missed it.
// Proposals carry their block compactly (tx hashes; see compactBlock.ts); peers fetch the txs
// they lack with a Txs request on the sync protocol.
import { BitListType, BooleanType, ByteListType, ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import {
  Bytes32,
  Uint32,
  Uint64Num,
  Uint8,
  MAX_TX_BYTES,
  MAX_TXS_PER_BLOCK,
  MAX_VALIDATORS,
} from "../state/encoding/types.ts";
import { Proposal } from "../consensus/proposal.ts";
import { Vote } from "../consensus/vote.ts";
import { CompactBlock } from "./compactBlock.ts";

export const MAX_BLOCK_WIRE_BYTES = 16 * 1024 * 1024;

export const ProposalMsg = new ContainerType(
  { proposal: Proposal, block: CompactBlock, nonce: Uint64Num },
  { typeName: "ProposalMsg" },
);
export const VoteMsg = new ContainerType({ vote: Vote, nonce: Uint64Num }, { typeName: "VoteMsg" });
export const TxBatchMsg = new ContainerType(
  { txs: new ListCompositeType(new ByteListType(MAX_TX_BYTES), 4096) },
  { typeName: "TxBatchMsg" },
);

export const SyncKind = { Status: 1, Blocks: 2, Txs: 3, Votes: 4, TxHashes: 5 } as const;
/** Status; Blocks from `from` (up to `count`); Txs: the txs with these hashes (for a proposal). */
export const SyncRequest = new ContainerType(
  { kind: Uint8, from: Uint64Num, count: Uint32, hashes: new ListCompositeType(Bytes32, MAX_TXS_PER_BLOCK) },
  { typeName: "SyncRequest" },
);
/**
 * The answer to a TxHashes request (SyncRequest, `count` = at most how many): hashes of txs in
 * the peer's mempool for a while (so gossip had its chance), oldest first. The asker fetches
 * those it lacks with a Txs request: mempool re-gossip by pull, until included or expired.
 */
export const MAX_TX_HASHES = 4096;
export const TxHashesResponse = new ContainerType(
  { hashes: new ListCompositeType(Bytes32, MAX_TX_HASHES) },
  { typeName: "TxHashesResponse" },
);
/** The answer to a Txs request: those of the asked txs the peer holds, in any order. */
export const TxsResponse = new ContainerType(
  { txs: new ListCompositeType(new ByteListType(MAX_TX_BYTES), MAX_TXS_PER_BLOCK) },
  { typeName: "TxsResponse" },
);
export const SyncBlock = new ContainerType(
  { block: new ByteListType(MAX_BLOCK_WIRE_BYTES), commit: new ByteListType(1 << 20) },
  { typeName: "SyncBlock" },
);
/** `genesis`: sha256 of the peer's genesis.json, so a node never syncs from another network's chain. */
export const SyncResponse = new ContainerType(
  { height: Uint64Num, genesis: Bytes32, blocks: new ListCompositeType(SyncBlock, 256) },
  { typeName: "SyncResponse" },
);

/**
 * Vote gossip by pull (CometBFT's consensus reactor tracks per peer which votes it has; here the
 * asking node says it): "at `height` I hold these votes" as one bit per validator (set order)
 * per round and type, and whether I hold the round's proposal. Rounds not listed: nothing held.
 * Served on the sync protocol; its first byte is the kind, as in SyncRequest, so one handler
 * tells the two apart.
 */
export const VoteBits = new ContainerType(
  {
    round: Uint32,
    prevotes: new BitListType(MAX_VALIDATORS),
    precommits: new BitListType(MAX_VALIDATORS),
    proposal: new BooleanType(),
  },
  { typeName: "VoteBits" },
);
export const MAX_VOTE_ROUNDS = 256;
export const VotesRequest = new ContainerType(
  { kind: Uint8, height: Uint64Num, rounds: new ListCompositeType(VoteBits, MAX_VOTE_ROUNDS) },
  { typeName: "VotesRequest" },
);
/** The votes (any round of the height) and proposals the asker lacks, as their gossip messages. */
export const VotesResponse = new ContainerType(
  { votes: new ListCompositeType(VoteMsg, 8192), proposals: new ListCompositeType(ProposalMsg, 16) },
  { typeName: "VotesResponse" },
);

export type ProposalMsgValue = ValueOf<typeof ProposalMsg>;
export type VoteMsgValue = ValueOf<typeof VoteMsg>;
export type SyncResponseValue = ValueOf<typeof SyncResponse>;
