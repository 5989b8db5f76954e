// Fetching the txs of a compact proposal this node lacks: every peer is asked (the proposer has
// them all, others may), and only txs whose hash was asked for are kept.
import { sha256 } from "../state/crypto/hash.ts";
import { txKey } from "./compactBlock.ts";
import { SyncKind, SyncRequest, TxsResponse } from "./wire.ts";

export type TxRequester = {
  peers(): string[];
  request(peerId: string, req: Uint8Array, timeoutMs?: number): Promise<Uint8Array>;
};

/** Calls `found` for each missing tx a peer returned; resolves to the keys still missing. */
export async function fetchMissingTxs(
  net: TxRequester,
  missing: Uint8Array[],
  found: (key: string, tx: Uint8Array) => void,
): Promise<Set<string>> {
  const wanted = new Set(missing.map(txKey));
  const req = SyncRequest.serialize({ kind: SyncKind.Txs, from: 0, count: 0, hashes: missing });
  await Promise.all(
    net.peers().map(async (peer) => {
      try {
        for (const tx of TxsResponse.deserialize(await net.request(peer, req, 3000)).txs) {
          const k = txKey(sha256(tx));
          if (wanted.delete(k)) found(k, tx);
        }
      } catch {
        /* unreachable or misbehaving peer: the others may have them */
      }
    }),
  );
  return wanted;
}
