// Gossip and sync payloads (SSZ). Gossip payloads carry a relay nonce so a node can re-send the
// same vote or proposal (gossipsub drops byte-identical repeats) to peers that missed it.
import { ByteListType, ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import { Uint32, Uint64Num, Uint8, MAX_TX_BYTES } from "../state/encoding/types.ts";
import { Proposal } from "../consensus/proposal.ts";
import { Vote } from "../consensus/vote.ts";

export const MAX_BLOCK_WIRE_BYTES = 16 * 1024 * 1024;

export const ProposalMsg = new ContainerType({ proposal: Proposal, block: new ByteListType(MAX_BLOCK_WIRE_BYTES), nonce: Uint64Num }, { typeName: "ProposalMsg" });
export const VoteMsg = new ContainerType({ vote: Vote, nonce: Uint64Num }, { typeName: "VoteMsg" });
export const TxBatchMsg = new ContainerType({ txs: new ListCompositeType(new ByteListType(MAX_TX_BYTES), 4096) }, { typeName: "TxBatchMsg" });

export const SyncKind = { Status: 1, Blocks: 2 } as const;
export const SyncRequest = new ContainerType({ kind: Uint8, from: Uint64Num, count: Uint32 }, { typeName: "SyncRequest" });
export const SyncBlock = new ContainerType({ block: new ByteListType(MAX_BLOCK_WIRE_BYTES), commit: new ByteListType(1 << 20) }, { typeName: "SyncBlock" });
export const SyncResponse = new ContainerType({ height: Uint64Num, blocks: new ListCompositeType(SyncBlock, 256) }, { typeName: "SyncResponse" });

export type ProposalMsgValue = ValueOf<typeof ProposalMsg>;
export type VoteMsgValue = ValueOf<typeof VoteMsg>;
export type SyncResponseValue = ValueOf<typeof SyncResponse>;
