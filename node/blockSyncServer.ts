// The serving side of `/sync/1`: a peer asks for our height, blocks with their commits, the
// votes of the current height it lacks, the hashes of our pending txs, or txs by hash.
// PERF: answers are capped in count and bytes, so one request costs a bounded amount of work.
import type { ConsensusCore } from "../consensus/core.ts";
import type { ProposalValue } from "../consensus/proposal.ts";
import type { Chain } from "./chain.ts";
import { txKey } from "./compactBlock.ts";
import { txHashesAnswer } from "./mempoolPull.ts";
import { votesAnswer } from "./votePull.ts";
import { SyncRequestRefused } from "./syncRequestRefused.ts";
import { ProposalMsg, SyncKind, SyncRequest, SyncResponse, TxsResponse, VotesRequest } from "./wire.ts";

const MAX_TXS_BYTES = 16 << 20;
const MAX_BLOCKS = 100;
const MAX_BLOCKS_BYTES = 8 << 20;

export type SyncServerDeps = {
  chain: Chain;
  core: ConsensusCore;
  /** our proposal as it goes on the wire (compact) */
  proposalMsg(p: ProposalValue, block: Uint8Array): Uint8Array;
  /** a tx this node holds, by key */
  txBytes(key: string): Uint8Array | undefined;
};

/** A sync request decoded: the asker's fault if this fails. */
function decodeRequest(req: Uint8Array) {
  try {
    if (req[0] === SyncKind.Votes) return VotesRequest.deserialize(req);
    const r = SyncRequest.deserialize(req);
    if (!Object.values(SyncKind).includes(r.kind as never)) throw new Error(`unknown sync request kind ${r.kind}`);
    return r;
  } catch (e) {
    throw new SyncRequestRefused(`malformed sync request: ${(e as Error).message}`);
  }
}

/**
 * The answer to a sync request. Throws SyncRequestRefused when the request does not decode (the
 * asker's fault, which costs it score); any other error is this node's, and costs the asker nothing.
 */
export async function serveSync(req: Uint8Array, d: SyncServerDeps): Promise<Uint8Array> {
  const r = decodeRequest(req);
  if ("rounds" in r) return votesAnswer(d.core, r, (p, block) => ProposalMsg.deserialize(d.proposalMsg(p, block)));
  const height = d.chain.height;
  const genesis = d.chain.genesisHash;
  if (r.kind === SyncKind.Status) return SyncResponse.serialize({ height, genesis, blocks: [] });
  if (r.kind === SyncKind.TxHashes) return txHashesAnswer(d.chain, r.count, Date.now());
  if (r.kind === SyncKind.Txs) {
    const txs: Uint8Array[] = [];
    let bytes = 0;
    for (const h of r.hashes) {
      const tx = d.txBytes(txKey(h));
      if (tx && (bytes += tx.length) <= MAX_TXS_BYTES) txs.push(tx);
    }
    return TxsResponse.serialize({ txs });
  }
  // SyncKind.Blocks: the only kind left once decodeRequest passed
  const blocks = [];
  let bytes = 0;
  for (let h = r.from; h <= height && blocks.length < Math.min(r.count, MAX_BLOCKS) && bytes < MAX_BLOCKS_BYTES; h++) {
    const block = await d.chain.db.getBlock(h);
    const commit = await d.chain.db.getCommit(h);
    if (!block || !commit) break;
    blocks.push({ block, commit });
    bytes += block.length + commit.length;
  }
  return SyncResponse.serialize({ height, genesis, blocks });
}
