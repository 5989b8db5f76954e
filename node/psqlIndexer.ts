// The psql indexer: follows the block store into PostgreSQL, one height per transaction
// (node/psqlWriteBlock.ts), off the consensus path. It never holds consensus back: blocks are
// committed to LevelDB first and the indexer reads them back from there whenever it gets to
// them, so while PostgreSQL is down or slow the node keeps committing, the indexer logs once,
// retries with backoff and reports its lag (metrics), then catches up from the next unindexed
// height the database itself records. Nothing is buffered in memory, so a crash loses nothing.
import pg from "pg";
import { Block } from "../state/encoding/types.ts";
import { blockIdOf } from "../consensus/blockHashes.ts";
import type { Logger } from "./logger.ts";
import type { ChainDb } from "./chainDb.ts";
import { blockRows, type BlockRows, type StoredResult } from "./psqlBlockRows.ts";
import { decodeBlockResults } from "./blockResults.ts";
import { ensureSchema } from "./psqlSchema.ts";
import type { HeightSummary } from "../state/heightSummary.ts";
import { IndexedHeightMoved, indexedHeight, writeBlock } from "./psqlWriteBlock.ts";

/** What the indexer reads: the committed chain and a signal per committed block. */
export type IndexedChain = {
  readonly chainId: string;
  readonly height: number;
  readonly db: Pick<ChainDb, "getBlock" | "getResults" | "getHeightSummary">;
  on(event: "block", f: () => void): unknown;
  off(event: "block", f: () => void): unknown;
};

export type PsqlIndexerOptions = {
  url: string;
  /** first retry after an error; doubles up to maxBackoffMs */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** test hook: the process kills itself (-9) inside the transaction of this height, rows written, before COMMIT */
  crashInsideTxAt?: number;
};

export type IndexerStatus = {
  /** last height whose rows are all in PostgreSQL (-1 until the database was first read) */
  height: number;
  /** committed blocks not indexed yet */
  lag: number;
  connected: boolean;
  /** whether this node holds the chain's writer lock (another node may index into the same database) */
  writer: boolean;
  blocks: number;
  rows: number;
  /** time spent writing, ms (for rows/s) */
  writeMs: number;
  errors: number;
};

export class PsqlIndexer {
  private readonly opts: Required<Omit<PsqlIndexerOptions, "crashInsideTxAt">> & PsqlIndexerOptions;
  private readonly chain: IndexedChain;
  private readonly log: Logger;
  private client: pg.Client | undefined;
  private writer = false;
  private indexed = -1;
  /** whether the database's chain was checked to be ours since connecting (checkSameChain) */
  private sameChain = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** the error of the outage in progress (logged once, and again when it changes) */
  private outage: string | undefined;
  private readonly stats = { blocks: 0, rows: 0, writeMs: 0, errors: 0 };
  private readonly onBlock = () => this.wake?.();

  constructor(opts: PsqlIndexerOptions, deps: { chain: IndexedChain; log: Logger }) {
    this.opts = { minBackoffMs: 250, maxBackoffMs: 5_000, ...opts };
    this.chain = deps.chain;
    this.log = deps.log;
  }

  start(): void {
    this.chain.on("block", this.onBlock);
    this.loop = this.run();
  }

  status(): IndexerStatus {
    const h = this.indexed;
    return {
      height: h,
      lag: Math.max(0, this.chain.height - Math.max(h, 0)),
      connected: this.client !== undefined,
      writer: this.writer,
      ...this.stats,
    };
  }

  /** Stops at once: a block transaction in flight is abandoned (PostgreSQL rolls it back). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.chain.off("block", this.onBlock);
    this.wake?.();
    await this.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = this.opts.minBackoffMs;
    while (!this.stopped) {
      try {
        if (!this.client) await this.connect();
        if (!this.writer) {
          await this.pause(this.opts.maxBackoffMs);
          await this.disconnect(); // try for the lock again
          continue;
        }
        if (!this.sameChain && this.chain.height >= 1) await this.checkSameChain(this.client!);
        if (this.indexed >= this.chain.height) {
          await this.pause();
          continue;
        }
        await this.indexNext();
        backoff = this.opts.minBackoffMs;
      } catch (e) {
        if (this.stopped) break;
        if (e instanceof IndexedHeightMoved) {
          // a commit whose reply was lost, or another writer: the database says where we are
          this.log.warn("indexed height moved under the indexer; resuming from the database's", {
            expected: this.indexed,
            found: e.found,
          });
          this.indexed = e.found;
          if (e.found > this.chain.height) await this.pause(this.opts.maxBackoffMs);
          continue;
        }
        this.stats.errors++;
        const msg = (e as Error).message;
        if (this.outage !== msg)
          this.log.warn("psql indexer cannot write; the node keeps committing and the indexer retries", {
            error: msg,
            indexed: this.indexed,
            height: this.chain.height,
          });
        this.outage = msg;
        await this.disconnect();
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs);
      }
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.opts.url,
      connectionTimeoutMillis: 5_000,
      query_timeout: 60_000,
      application_name: "strata-indexer",
    });
    // a connection lost while idle is reported here, not by a query: drop it, the loop reconnects
    client.on("error", (e) => {
      if (this.client !== client) return;
      this.log.warn("psql indexer connection lost", { error: e.message });
      this.client = undefined;
      this.writer = false;
      client.end().catch(() => {});
      this.wake?.();
    });
    try {
      await client.connect();
      await ensureSchema(client);
      // One writer per chain and database: others (a second node pointed at the same database)
      // wait. The lock is the session's, so it goes with the connection if the node dies.
      const lock = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [
        `strata-indexer:${this.chain.chainId}`,
      ]);
      this.writer = lock.rows[0].ok;
      this.indexed = await indexedHeight(client, this.chain.chainId);
      this.sameChain = false;
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
    this.client = client;
    if (!this.writer)
      this.log.warn("another process indexes this chain into the database; this node only reads it", {
        chainId: this.chain.chainId,
      });
    if (this.indexed > this.chain.height)
      this.log.error(
        "the database has indexed beyond this node's block store (a database of another chain or of a wiped node?); waiting",
        { indexed: this.indexed, height: this.chain.height },
      );
    this.log.info(this.outage ? "psql indexer reconnected; catching up" : "psql indexer connected", {
      indexed: this.indexed,
      height: this.chain.height,
    });
    this.outage = undefined;
  }

  /**
   * The database's blocks must be ours: a devnet re-created with the same chain id (or a
   * database of another network) would otherwise get this chain's rows appended to its own.
   * Checked once per connection, on the highest height both have (block ids chain the history),
   * as soon as this node has a block.
   */
  private async checkSameChain(client: pg.Client): Promise<void> {
    const h = Math.min(this.indexed, this.chain.height);
    this.sameChain = h <= 0;
    if (h <= 0) return;
    const r = await client.query<{ hash: string }>("SELECT hash FROM blocks WHERE chain_id = $1 AND height = $2", [
      this.chain.chainId,
      h,
    ]);
    const b = await this.chain.db.getBlock(h);
    const ours = b
      ? Buffer.from(blockIdOf(Block.deserialize(b).header))
          .toString("hex")
          .toUpperCase()
      : undefined;
    if (r.rows[0]?.hash !== ours) {
      throw new Error(
        `the database holds another chain under chain id ${this.chain.chainId}: its block ${h} is ${r.rows[0]?.hash ?? "missing"}, ours ${ours ?? "missing"}; point indexer.psql.url at a fresh database (or drop this chain's rows)`,
      );
    }
    this.sameChain = true;
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.writer = false;
    await c?.end().catch(() => {});
  }

  private async indexNext(): Promise<void> {
    const h = this.indexed + 1;
    const rows = await this.rowsAt(h);
    const t0 = performance.now();
    const crash = this.opts.crashInsideTxAt === h ? async () => void process.kill(process.pid, "SIGKILL") : undefined;
    await writeBlock(this.client!, this.chain.chainId, rows, crash);
    this.stats.writeMs += performance.now() - t0;
    this.stats.blocks++;
    this.stats.rows += rows.rowCount;
    this.indexed = h;
  }

  /** A height's rows, from the block store only. */
  private async rowsAt(h: number): Promise<BlockRows> {
    const [b, r, s] = await Promise.all([
      this.chain.db.getBlock(h),
      this.chain.db.getResults(h),
      this.chain.db.getHeightSummary(h),
    ]);
    if (!b || !r) throw new Error(`height ${h} is not in the block store (pruned?): it cannot be indexed`);
    const block = Block.deserialize(b);
    // node/blockResults.ts: a block's stored results (tx results, block events, updates)
    const results: StoredResult[] = decodeBlockResults(r).txs;
    // no summary: the block was committed while the psql indexer was off (docs/indexer.md)
    const summary = s ? (JSON.parse(Buffer.from(s).toString()) as HeightSummary) : undefined;
    return blockRows(h, blockIdOf(block.header), block, results, summary);
  }

  /** Waits for a block, stop(), a lost connection, or `ms`. */
  private pause(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const t = ms === undefined ? undefined : setTimeout(done, ms);
      const self = this;
      function done() {
        if (t) clearTimeout(t);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
