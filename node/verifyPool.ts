// Signature verification off the main thread: a few worker threads fed in batches. On a machine
// with a spare core a node then checks incoming txs in parallel with executing blocks and serving
// RPC; with no spare core it costs a little (messages) and gains nothing, so the node's
// `verifyWorkers` defaults to cores − 1 and 0 means "verify inline".
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { VerifyBatch, VerifyResult } from "./verifyWorker.ts";

type Pending = { resolve: (ok: boolean) => void; reject: (e: Error) => void };

export function defaultVerifyWorkers(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

export class VerifyPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, Pending[]>();
  private queue: { pk: Uint8Array; msg: Uint8Array; sig: Uint8Array; p: Pending }[] = [];
  private scheduled = false;
  private nextId = 1;
  private rr = 0;
  private closed = false;
  /** verifications done by the workers, for metrics */
  verified = 0;

  private readonly maxBatch: number;

  private constructor(n: number, maxBatch: number) {
    this.maxBatch = maxBatch;
    this.workers = Array.from({ length: n }, () => {
      // a verifier holds almost nothing: a small heap keeps each worker's memory small too
      const w = new Worker(new URL("./verifyWorker.ts", import.meta.url), {
        resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
      });
      w.on("message", (r: VerifyResult) => this.settle(r));
      w.on("error", (e) => this.failAll(e));
      w.unref();
      return w;
    });
  }

  /** A pool of `n` workers, or undefined for n = 0 (the caller verifies inline). */
  static start(n: number, maxBatch = 256): VerifyPool | undefined {
    return n > 0 ? new VerifyPool(n, maxBatch) : undefined;
  }

  /** Resolves true iff the signature is valid. Batches calls made in the same tick. */
  verify(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error("verify pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ pk, msg, sig, p: { resolve, reject } });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    const id = this.nextId++;
    this.waiting.set(
      id,
      items.map((x) => x.p),
    );
    const batch: VerifyBatch = {
      id,
      pks: items.map((x) => x.pk),
      msgs: items.map((x) => x.msg),
      sigs: items.map((x) => x.sig),
    };
    this.workers[this.rr++ % this.workers.length]!.postMessage(batch);
  }

  private settle(r: VerifyResult): void {
    const ps = this.waiting.get(r.id);
    if (!ps) return;
    this.waiting.delete(r.id);
    this.verified += ps.length;
    ps.forEach((p, i) => p.resolve(r.ok[i] === 1));
  }

  private failAll(e: Error): void {
    for (const ps of this.waiting.values()) for (const p of ps) p.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.failAll(new Error("verify pool closed"));
  }
}
