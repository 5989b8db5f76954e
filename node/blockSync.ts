// The asking side of block sync: find the highest peer running our chain, fetch blocks after
// ours, and check each against the validator set before it is executed. The driver applies
// what passes (node/consensusDriver.ts) with the same step as a decided block.
import { getCommitValidity } from "../consensus/commitVerify.ts";
import { Block, Commit, type CommitValue } from "../state/encoding/types.ts";
import type { Chain, ProposedBlock } from "./chain.ts";
import { BAD_SYNC_SHUN_MS, FOREIGN_SHUN_MS, type PeerShunList } from "./peerShun.ts";
import { SyncKind, SyncRequest, SyncResponse } from "./wire.ts";
import type { TxRequester } from "./proposalTxFetch.ts";

const STATUS_TIMEOUT_MS = 3000;
const BLOCKS_TIMEOUT_MS = 10_000;
const BLOCKS_PER_REQUEST = 50;

/** The highest peer on our chain (peers on another genesis are shunned), or undefined. */
export async function bestPeer(
  net: TxRequester,
  shun: PeerShunList,
  genesisHash: Uint8Array,
): Promise<{ peer: string; height: number } | undefined> {
  let best: { peer: string; height: number } | undefined;
  const status = SyncRequest.serialize({ kind: SyncKind.Status, from: 0, count: 0, hashes: [] });
  for (const peer of shun.usable(net.peers())) {
    try {
      const s = SyncResponse.deserialize(await net.request(peer, status, STATUS_TIMEOUT_MS));
      if (Buffer.compare(s.genesis, genesisHash) !== 0) {
        shun.shun(peer, FOREIGN_SHUN_MS, "it runs another chain (its genesis differs from ours)");
        continue;
      }
      if (!best || s.height > best.height) best = { peer, height: s.height };
    } catch {
      /* peer unreachable or misbehaving: try the others */
    }
  }
  return best;
}

export async function fetchBlocks(
  net: TxRequester,
  peer: string,
  from: number,
): Promise<{ block: Uint8Array; commit: Uint8Array }[]> {
  const req = SyncRequest.serialize({ kind: SyncKind.Blocks, from, count: BLOCKS_PER_REQUEST, hashes: [] });
  return SyncResponse.deserialize(await net.request(peer, req, BLOCKS_TIMEOUT_MS)).blocks;
}

/**
 * A synced block, executed, if its commit carries > 2/3 of the current set and the block is
 * valid on our state; otherwise the peer is shunned and an error says why.
 * PERF: one ed25519 verify per commit signature plus the block's execution.
 */
export function verifySyncedBlock(
  chain: Chain,
  sb: { block: Uint8Array; commit: Uint8Array },
  peer: string,
  shun: PeerShunList,
): { executed: ProposedBlock; commit: CommitValue } {
  const block = Block.deserialize(sb.block);
  const commit = Commit.deserialize(sb.commit);
  const vals = chain.validators().map((v) => ({ pubkey: v.pubkey, power: v.power }));
  const cv = getCommitValidity(chain.chainId, vals, block.header.height, commit.blockId, commit);
  if (!cv.ok) {
    shun.shun(peer, BAD_SYNC_SHUN_MS, `it sent a block with an invalid commit (${cv.detail})`);
    throw new Error(`peer ${peer} sent a block with an invalid commit: ${cv.detail}`);
  }
  const r = chain.validateBlock(commit.blockId, sb.block);
  if (!r.ok) {
    shun.shun(peer, BAD_SYNC_SHUN_MS, `it sent an invalid block (${r.reason})`);
    throw new Error(`peer ${peer} sent an invalid block: ${r.reason}`);
  }
  return { executed: r.executed, commit };
}
