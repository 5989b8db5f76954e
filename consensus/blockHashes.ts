// The hashes a header commits to. SSZ hashTreeRoot everywhere, so any field of a block can later
// be proven against its id with a Merkle branch.
import { ByteListType, ListCompositeType } from "@chainsafe/ssz";
import { Commit, Header, type CommitValue, type HeaderValue } from "../state/encoding/types.ts";
import { txListRoot } from "./txListRoot.ts";

const EvidenceList = new ListCompositeType(new ByteListType(4096), 1024);

export function blockIdOf(header: HeaderValue): Uint8Array {
  return Header.hashTreeRoot(header);
}
/** The same root as TxList.hashTreeRoot, with a buffer per tree level instead of per chunk pair. */
export function txsHashOf(txs: Uint8Array[]): Uint8Array {
  return txListRoot(txs);
}
export function evidenceHashOf(evidence: Uint8Array[]): Uint8Array {
  return EvidenceList.hashTreeRoot(evidence);
}
export function commitHashOf(commit: CommitValue): Uint8Array {
  return Commit.hashTreeRoot(commit);
}
