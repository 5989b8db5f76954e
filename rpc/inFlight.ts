// Counts requests in progress per key (client IP, WebSocket connection) and refuses past a
// limit, so one client cannot hold an unbounded share of the node's RPC work at once.
export class InFlight {
  private readonly counts = new Map<string, number>();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Takes a slot for `key`; false when it already holds `limit`. */
  tryEnter(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.limit) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  leave(key: string): void {
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}
