// Mempool re-gossip by pull, both sides (docs/protocol.md): a node lists the txs it has held for
// over a second (fresh ones are still on their way by gossip); a peer fetches those it lacks.
// Not fetched: txs committed lately (the lister is behind) and txs the fetcher dropped itself
// (expired, evicted, failed recheck), so an expired tx cannot live on by bouncing between
// mempools. Gossip is fire-and-forget; this makes a tx reach every mempool until it is
// included or expires, whatever batch was lost or whichever peer restarted.
import type { Chain } from "./chain.ts";
import { txKey } from "./compactBlock.ts";
import { MAX_TX_HASHES, SyncKind, SyncRequest, TxHashesResponse, TxsResponse } from "./wire.ts";

const MIN_AGE_MS = 1000;

export function txHashesAnswer(chain: Chain, count: number, now: number): Uint8Array {
  const hashes = chain.mempool.pendingSince(now - MIN_AGE_MS, Math.min(count, MAX_TX_HASHES));
  return TxHashesResponse.serialize({ hashes: hashes.map((h) => new Uint8Array(Buffer.from(h, "hex"))) });
}

export type Requester = (req: Uint8Array, timeoutMs: number) => Promise<Uint8Array>;

/** Fetches from one peer the txs it lists and we lack, and admits them; returns how many came. */
export async function pullTxsFrom(chain: Chain, ask: Requester, peer = ""): Promise<number> {
  const listed = TxHashesResponse.deserialize(
    await ask(SyncRequest.serialize({ kind: SyncKind.TxHashes, from: 0, count: MAX_TX_HASHES, hashes: [] }), 3000),
  ).hashes;
  const m = chain.mempool;
  const wanted = listed.filter((h) => {
    const k = txKey(h);
    return !m.has(k) && !m.dropped(k) && !chain.committedRecently.has(k);
  });
  if (wanted.length === 0) return 0;
  const txs = TxsResponse.deserialize(
    await ask(SyncRequest.serialize({ kind: SyncKind.Txs, from: 0, count: 0, hashes: wanted }), 5000),
  ).txs;
  for (const tx of txs) chain.checkTxAsync(tx, { kind: "peer", peer }).catch(() => {}); // stale by now, or invalid: nothing to do
  return txs.length;
}
