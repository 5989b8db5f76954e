// Batches txs accepted over RPC into one gossip message per 20 ms (or 500 txs): fewer, larger
// messages cost the network and the peers' validators far less than one message per tx.
export class TxGossip {
  private batch: Uint8Array[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushFn: (txs: Uint8Array[]) => void;
  private readonly maxBatch: number;
  private readonly delayMs: number;

  constructor(flush: (txs: Uint8Array[]) => void, maxBatch = 500, delayMs = 20) {
    this.flushFn = flush;
    this.maxBatch = maxBatch;
    this.delayMs = delayMs;
  }

  add(tx: Uint8Array): void {
    this.batch.push(tx);
    if (this.batch.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const txs = this.batch;
    this.batch = [];
    this.flushFn(txs);
  }

  stop(): void {
    this.flush();
  }
}
