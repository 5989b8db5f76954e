// What a peer may cost us on the sync protocol: a request budget per peer (token bucket) and a
// penalty ledger fed by requests that are garbage, oversized, too slow or too frequent. The
// penalty, decaying with a one-minute half-life, is gossipsub's application-specific score for
// that peer, so a peer that abuses sync loses standing on the gossip topics too (and past the
// graylist threshold its gossip is ignored).
const HALF_LIFE_MS = 60_000;
const MAX_PEERS_TRACKED = 10_000;

export type SyncGuardOptions = { requestsPerSecond: number; burst: number };

export class SyncGuard {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly penalties = new Map<string, { points: number; at: number }>();
  private readonly opts: SyncGuardOptions;

  constructor(opts: SyncGuardOptions = { requestsPerSecond: 50, burst: 100 }) {
    this.opts = opts;
  }

  /** Takes one request from the peer's budget; false when it has none left. */
  allow(peer: string, now = Date.now()): boolean {
    let b = this.buckets.get(peer);
    if (!b) {
      if (this.buckets.size >= MAX_PEERS_TRACKED) this.buckets.clear();
      this.buckets.set(peer, (b = { tokens: this.opts.burst, at: now }));
    }
    b.tokens = Math.min(this.opts.burst, b.tokens + ((now - b.at) / 1000) * this.opts.requestsPerSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  penalize(peer: string, points: number, now = Date.now()): void {
    if (this.penalties.size >= MAX_PEERS_TRACKED && !this.penalties.has(peer)) this.penalties.clear();
    this.penalties.set(peer, { points: this.penalty(peer, now) + points, at: now });
  }

  /** The peer's current penalty (≥ 0), decayed since it was last raised. */
  penalty(peer: string, now = Date.now()): number {
    const p = this.penalties.get(peer);
    if (!p) return 0;
    return p.points * Math.pow(0.5, (now - p.at) / HALF_LIFE_MS);
  }
}
