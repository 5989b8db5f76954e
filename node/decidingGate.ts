// Consensus first. On a node short of CPU (the 2-core devnet: four nodes and the clients), the
// txs clients submit while a height is being decided are checked (decode, signature, admission)
// on the same cores that must execute the proposal and send the votes, and every node's checks
// slow the height's critical path on all of them. The gate holds new client txs from the start
// of a height until it is decided (the commit timeout that follows is when they are checked),
// and never longer than holdMs after the height began: a height that stalls (a proposer down, a
// round change) lets txs through at that point rather than holding clients for rounds.
// Measured on the flood bench (a 1 s hold): proposal→commit p99 1.7-2.3 s instead of 1.9-3.1 s,
// block interval p99 2.41-2.79 s instead of 2.66-3.60 s (docs/performance.md, sixth session).

/** Holds client txs while the current height is being decided, at most holdMs from its start. */
export class DecidingGate {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  private readonly holdMs: number;

  /** holdMs 0: never closes. */
  constructor(holdMs: number) {
    this.holdMs = holdMs;
  }

  /** A height begins: txs wait until open(), or holdMs from now. */
  close(): void {
    if (this.holdMs <= 0) return;
    this.open();
    let resolve!: () => void;
    this.held = new Promise<void>((r) => (resolve = r));
    const t = setTimeout(() => this.open(), this.holdMs);
    t.unref?.();
    this.release = () => (clearTimeout(t), resolve());
  }

  /** The height is decided (or the node syncs, or stops): held txs go on. */
  open(): void {
    const r = this.release;
    this.held = undefined;
    this.release = undefined;
    r?.();
  }

  /** undefined when a tx may go on now; otherwise a promise that resolves when it may. PERF: O(1). */
  wait(): Promise<void> | undefined {
    return this.held;
  }
}
