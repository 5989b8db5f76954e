// Peers this node does not sync or pull from for a while: one running another chain (its genesis
// differs), or one that sent a block with a bad commit. The list is bounded: a flood of peer ids
// clears it rather than growing it.
import type { Logger } from "./logger.ts";

export const FOREIGN_SHUN_MS = 10 * 60_000;
export const BAD_SYNC_SHUN_MS = 60_000;
const MAX_ENTRIES = 10_000;

export class PeerShunList {
  private readonly until = new Map<string, number>();
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  shun(peer: string, ms: number, why: string, now = Date.now()): void {
    if ((this.until.get(peer) ?? 0) <= now)
      this.log.warn("not syncing from peer", { peer: peer.slice(-12), why, forSeconds: ms / 1000 });
    if (this.until.size > MAX_ENTRIES) this.until.clear();
    this.until.set(peer, now + ms);
  }

  /** The given peers minus those shunned right now. */
  usable(peers: string[], now = Date.now()): string[] {
    return peers.filter((p) => (this.until.get(p) ?? 0) <= now);
  }

  /** how many peers are not synced from right now (metrics) */
  count(now = Date.now()): number {
    let n = 0;
    for (const t of this.until.values()) if (t > now) n++;
    return n;
  }
}
