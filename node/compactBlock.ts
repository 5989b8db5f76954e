// Compact block propagation: a proposal carries the block's header, evidence and lastCommit but
// only the hashes of its txs. Peers rebuild the block from txs they already hold (their mempool
// took them from tx gossip moments earlier) and fetch only the ones they lack. Under load this
// halves the bytes each node encrypts, relays and decodes per tx (a tx crossed the network twice:
// in a tx batch and again inside the proposal).
import { ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import { Block, Bytes32, MAX_TXS_PER_BLOCK, type BlockValue } from "../state/encoding/types.ts";
import { sha256 } from "../state/crypto/hash.ts";

export const CompactBlock = new ContainerType(
  {
    header: Block.fields.header,
    txHashes: new ListCompositeType(Bytes32, MAX_TXS_PER_BLOCK),
    evidence: Block.fields.evidence,
    lastCommit: Block.fields.lastCommit,
  },
  { typeName: "CompactBlock" },
);
export type CompactBlockValue = ValueOf<typeof CompactBlock>;

/** The key txs are held under: upper-case hex of sha256(tx bytes), as the mempool keys them. */
export const txKey = (hash: Uint8Array): string => Buffer.from(hash).toString("hex").toUpperCase();

/** PERF: one sha256 per tx. */
export function toCompact(block: BlockValue): CompactBlockValue {
  return {
    header: block.header,
    txHashes: block.txs.map((t) => sha256(t)),
    evidence: block.evidence,
    lastCommit: block.lastCommit,
  };
}

/**
 * The full block, if `lookup` holds every tx; else the hashes it lacks. The caller still checks
 * the block (txsHash in the header commits to the txs), so a lookup can never smuggle in a tx.
 */
export function fromCompact(
  c: CompactBlockValue,
  lookup: (key: string) => Uint8Array | undefined,
): { block: BlockValue; keys: string[] } | { missing: Uint8Array[] } {
  const txs: Uint8Array[] = [];
  const keys: string[] = [];
  const missing: Uint8Array[] = [];
  for (const h of c.txHashes) {
    const k = txKey(h);
    const tx = lookup(k);
    if (tx) txs.push(tx), keys.push(k);
    else missing.push(h);
  }
  if (missing.length) return { missing };
  return { block: { header: c.header, txs, evidence: c.evidence, lastCommit: c.lastCommit }, keys };
}
