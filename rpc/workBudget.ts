// The work budget of one RPC request: a deadline, and cooperative yielding so that a long scan
// runs in slices between which the event loop serves consensus (timers, gossip, block writes).
// The budget travels with the request through AsyncLocalStorage, so methods need no extra
// argument and instrumented wrappers (node/metrics.ts) pass it along untouched.
import { AsyncLocalStorage } from "node:async_hooks";
import { RpcCode, RpcError, RpcReason } from "./jsonrpc.ts";

/** Longest a scan runs before it lets the event loop turn (ms). */
export const SLICE_MS = 4;

type Budget = { ms: number; deadline: number; sliceStart: number };
const current = new AsyncLocalStorage<Budget>();

export function timeBudgetExceeded(ms: number): RpcError {
  return new RpcError(RpcCode.Server, RpcReason.TimeBudgetExceeded, `request exceeded its time budget of ${ms} ms`);
}

/** Runs `fn` with a deadline `ms` from now; checkpoint() inside it enforces the deadline. */
export function runWithBudget<T>(ms: number, fn: () => T): T {
  return current.run({ ms, deadline: performance.now() + ms, sliceStart: performance.now() }, fn);
}

/** Milliseconds left to the current request (Infinity outside a request). */
export function remainingMs(): number {
  const b = current.getStore();
  return b ? b.deadline - performance.now() : Infinity;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Call between units of work in a loop: cheap (a clock read) until the slice is spent, then it
 * yields one turn of the event loop; past the deadline it throws TimeBudgetExceeded.
 */
export async function checkpoint(): Promise<void> {
  const b = current.getStore();
  if (!b) return;
  const now = performance.now();
  if (now > b.deadline) throw timeBudgetExceeded(b.ms);
  if (now - b.sliceStart < SLICE_MS) return;
  await turn();
  // the deadline may have passed while others ran: stop before doing more work
  b.sliceStart = performance.now();
  if (b.sliceStart > b.deadline) throw timeBudgetExceeded(b.ms);
}

/**
 * At most `limit` scans run at once across all clients; up to `maxQueued` wait (each no longer
 * than its request's budget); beyond that a scan is refused at once with Busy. Two scans
 * yielding every SLICE_MS cost consensus at most a few milliseconds per event-loop turn, however
 * many clients ask.
 */
export class ScanGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly limit: number;
  private readonly maxQueued: number;

  constructor(limit: number, maxQueued: number) {
    this.limit = limit;
    this.maxQueued = maxQueued;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await fn();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxQueued)
      return Promise.reject(
        new RpcError(
          RpcCode.Server,
          RpcReason.Busy,
          `scan queue full (${this.limit} running, ${this.maxQueued} waiting): retry later`,
        ),
      );
    const budget = current.getStore();
    const left = budget ? budget.deadline - performance.now() : Infinity;
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        clearTimeout(timer);
        this.running++;
        resolve();
      };
      const timer = Number.isFinite(left)
        ? setTimeout(
            () => {
              const i = this.waiting.indexOf(go);
              if (i >= 0) this.waiting.splice(i, 1);
              reject(timeBudgetExceeded(budget!.ms));
            },
            Math.max(0, left),
          )
        : undefined;
      this.waiting.push(go);
    });
  }

  private leave(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

/**
 * Answers for requests whose work passed its deadline while waiting (on I/O, in the scan queue):
 * one sweeping timer for all requests in flight, not a timer each (a timer per request cost
 * ~10 µs, more than the dispatcher's own checks). Granularity SWEEP_MS; it runs only while some
 * request is in flight.
 */
const SWEEP_MS = 25;
export class DeadlineWatch {
  private readonly pending = new Set<{ at: number; late: () => void }>();
  private timer: NodeJS.Timeout | undefined;

  /** `work`'s outcome, or `onLate()` as a rejection once performance.now() passes `at`. */
  race<T>(work: Promise<T>, at: number, onLate: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { at, late: () => reject(onLate()) };
      this.pending.add(entry);
      this.arm();
      work.then(
        (v) => (this.pending.delete(entry), resolve(v)),
        (e: unknown) => (this.pending.delete(entry), reject(e)),
      );
    });
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const e of this.pending) {
        if (now <= e.at) continue;
        this.pending.delete(e);
        e.late();
      }
      if (this.pending.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, SWEEP_MS);
    this.timer.unref();
  }
}
