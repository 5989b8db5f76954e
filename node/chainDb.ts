// LevelDB layout of a node's home/data: one sublevel per concern, and exactly one atomic batch
// per committed block (state writes, tree nodes, block, commit, tx index, meta together), so a
// crash at any instant leaves the node at the last fully committed height.
import { MemoryStore } from "../state/store/overlay.ts";
import { Level } from "level";
import type { AbstractSublevel } from "abstract-level";
import type { KVReader, Change } from "../state/store/types.ts";
import { TREE_DEPTH, type CommitmentReader, type CommitmentUpdate } from "../state/store/commitment.ts";
import { ReadCache } from "./readCache.ts";
import { checkLevelDbFiles, corrupt } from "./chainIntegrity.ts";

type Bytes = Uint8Array;
type BatchOps = Array<{ type: "put"; key: Bytes; value: Bytes } | { type: "del"; key: Bytes }>;
type Sub = AbstractSublevel<Level<Bytes, Bytes>, Bytes | string | Buffer, Bytes, Bytes>;

export type ChainMeta = {
  height: number;
  stateRoot: Bytes;
  leafCount: number;
  lastBlockId: Bytes;
  lastBlockTime: number;
  genesisHash: Bytes;
  /** the consensus layer's own record (proposer priorities of the next height), opaque here */
  consensus?: string;
};

export type BlockCommitInput = {
  height: number;
  blockId: Bytes;
  blockBytes: Bytes;
  /** the +2/3 precommits for this block (CometBFT's SeenCommit) */
  commitBytes: Bytes;
  changes: readonly Change[];
  commitment: CommitmentUpdate;
  txs: { hash: Bytes; record: Bytes }[];
  /** tx_search index keys (node/txEventIndex.ts); the key is the whole entry */
  txEvents?: Bytes[];
  resultsBytes: Bytes;
  meta: ChainMeta;
};

const u64 = (n: number): Bytes => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};
const nodeKey = (level: number, index: number): Bytes => {
  const b = new Uint8Array(5);
  b[0] = level;
  new DataView(b.buffer).setUint32(1, index);
  return b;
};

/** Levels at or above this are kept in memory: N / 2^CACHE_FROM_LEVEL nodes, a few MB at 1M keys. */
const CACHE_FROM_LEVEL = 4;
const STATE_CACHE_MAX = 300_000;
const EMPTY = new Uint8Array(0);

export class ChainDb implements KVReader, CommitmentReader {
  private readonly db: Level<Bytes, Bytes>;
  private readonly stateDb: Sub;
  private readonly keyIdx: Sub;
  private readonly nodes: Sub;
  private readonly blocks: Sub;
  private readonly commits: Sub;
  private readonly blockIds: Sub;
  private readonly txIndex: Sub;
  private readonly txEvents: Sub;
  private readonly results: Sub;
  private readonly metaDb: Sub;
  private readonly nodeCache = new Map<number, Map<number, Bytes>>();
  /**
   * Read-through caches of committed state values and leaf indexes (null = absent). Only
   * commitBlock writes state, and it updates them after the batch is durable, so they never
   * disagree with LevelDB. Bounded: dropped wholesale past STATE_CACHE_MAX entries.
   */
  private readonly stateCache = new ReadCache<Bytes>(STATE_CACHE_MAX);
  private readonly indexCache = new ReadCache<number>(STATE_CACHE_MAX);
  private metaValue: ChainMeta | undefined;
  /** the LevelDB directory (named in every storage fault) */
  readonly dir: string;

  private constructor(db: Level<Bytes, Bytes>, dir: string) {
    this.db = db;
    this.dir = dir;
    const sub = (name: string): Sub => db.sublevel<Bytes, Bytes>(name, { keyEncoding: "view", valueEncoding: "view" }) as Sub;
    this.stateDb = sub("state");
    this.keyIdx = sub("smt-index");
    this.nodes = sub("smt-nodes");
    this.blocks = sub("blocks");
    this.commits = sub("commits");
    this.blockIds = sub("block-ids");
    this.txIndex = sub("txs");
    this.txEvents = sub("tx-events");
    this.results = sub("results");
    this.metaDb = sub("meta");
  }

  static async open(dir: string): Promise<ChainDb> {
    checkLevelDbFiles(dir);
    const db = new Level<Bytes, Bytes>(dir, { keyEncoding: "view", valueEncoding: "view" });
    try {
      await db.open();
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      const msg = cause?.message ?? (e as Error).message;
      // held by another process: an operator error, not damage
      if (/\bLOCK\b|lock/.test(msg) && !/Corruption/i.test(msg)) throw new Error(`cannot open database at ${dir}: ${msg} (is another strata node running on this home?)`);
      throw corrupt(dir, `LevelDB cannot open it: ${msg}`, e);
    }
    const c = new ChainDb(db, dir);
    try {
      await c.loadMeta();
      await c.warmNodeCache();
    } catch (e) {
      await db.close();
      throw corrupt(dir, `reading the meta record and the state tree failed: ${(e as Error).message}`, e);
    }
    return c;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  // --- KVReader over committed state
  get(key: Bytes): Bytes | undefined {
    return this.stateCache.get(key, (k) => this.stateDb.getSync(k) ?? null);
  }

  // --- CommitmentReader
  keyIndex(key: Bytes): number | undefined {
    return this.indexCache.get(key, (k) => {
      const b = this.keyIdx.getSync(k);
      return b ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0) : null;
    });
  }
  node(level: number, index: number): Bytes | undefined {
    if (level >= CACHE_FROM_LEVEL) return this.nodeCache.get(level)?.get(index);
    return this.nodes.getSync(nodeKey(level, index)) ?? undefined;
  }
  leafCount(): number {
    return this.metaValue?.leafCount ?? 0;
  }

  meta(): ChainMeta | undefined {
    return this.metaValue;
  }

  private async loadMeta(): Promise<void> {
    const b = await this.metaDb.get(Uint8Array.of(1));
    if (!b) return;
    const j = JSON.parse(Buffer.from(b).toString()) as Record<string, string | number>;
    const hex = (s: unknown): Bytes => new Uint8Array(Buffer.from(String(s), "hex"));
    this.metaValue = {
      height: Number(j.height),
      stateRoot: hex(j.stateRoot),
      leafCount: Number(j.leafCount),
      lastBlockId: hex(j.lastBlockId),
      lastBlockTime: Number(j.lastBlockTime),
      genesisHash: hex(j.genesisHash),
      consensus: typeof j.consensus === "string" ? j.consensus : undefined,
    };
  }

  private async warmNodeCache(): Promise<void> {
    for (let l = CACHE_FROM_LEVEL; l <= TREE_DEPTH; l++) {
      const m = new Map<number, Bytes>();
      this.nodeCache.set(l, m);
      for await (const [k, v] of this.nodes.iterator({ gte: nodeKey(l, 0), lte: nodeKey(l, 0xffffffff) })) {
        m.set(new DataView(k.buffer, k.byteOffset + 1, 4).getUint32(0), v);
      }
    }
  }

  /** The single atomic write of a block. fsync'd: a committed block survives even power loss. */
  async commitBlock(c: BlockCommitInput): Promise<void> {
    type Op = { type: "put" | "del"; sublevel: Sub; key: Bytes; value?: Bytes };
    const ops: Op[] = [];
    for (const ch of c.changes) {
      if (ch.value === null) ops.push({ type: "del", sublevel: this.stateDb, key: ch.key });
      else ops.push({ type: "put", sublevel: this.stateDb, key: ch.key, value: ch.value });
    }
    for (const n of c.commitment.newIndexes) {
      const v = new Uint8Array(4);
      new DataView(v.buffer).setUint32(0, n.index);
      ops.push({ type: "put", sublevel: this.keyIdx, key: n.key, value: v });
    }
    for (const n of c.commitment.nodes) {
      ops.push({ type: "put", sublevel: this.nodes, key: nodeKey(n.level, n.index), value: n.hash });
    }
    if (c.height > 0) {
      ops.push({ type: "put", sublevel: this.blocks, key: u64(c.height), value: c.blockBytes });
      ops.push({ type: "put", sublevel: this.commits, key: u64(c.height), value: c.commitBytes });
      ops.push({ type: "put", sublevel: this.blockIds, key: c.blockId, value: u64(c.height) });
      ops.push({ type: "put", sublevel: this.results, key: u64(c.height), value: c.resultsBytes });
      for (const t of c.txs) ops.push({ type: "put", sublevel: this.txIndex, key: t.hash, value: t.record });
      for (const key of c.txEvents ?? []) ops.push({ type: "put", sublevel: this.txEvents, key, value: EMPTY });
    }
    const m = c.meta;
    const metaJson = JSON.stringify({
      height: m.height,
      stateRoot: Buffer.from(m.stateRoot).toString("hex"),
      leafCount: m.leafCount,
      lastBlockId: Buffer.from(m.lastBlockId).toString("hex"),
      lastBlockTime: m.lastBlockTime,
      genesisHash: Buffer.from(m.genesisHash).toString("hex"),
      consensus: m.consensus,
    });
    ops.push({ type: "put", sublevel: this.metaDb, key: Uint8Array.of(1), value: new TextEncoder().encode(metaJson) });
    await this.db.batch(ops as unknown as BatchOps, { sync: true });
    for (const n of c.commitment.nodes) {
      if (n.level >= CACHE_FROM_LEVEL) this.nodeCache.get(n.level)!.set(n.index, n.hash);
    }
    this.stateCache.setAll(c.changes);
    this.indexCache.setAll(c.commitment.newIndexes.map((n) => ({ key: n.key, value: n.index })));
    this.metaValue = m;
  }

  /** Whether any sublevel holds any key (a database without a meta record must hold none). */
  async hasAnyData(): Promise<boolean> {
    for await (const _k of this.db.keys({ limit: 1 })) return true;
    return false;
  }

  async getBlock(height: number): Promise<Bytes | undefined> {
    return (await this.blocks.get(u64(height))) ?? undefined;
  }
  async getCommit(height: number): Promise<Bytes | undefined> {
    return (await this.commits.get(u64(height))) ?? undefined;
  }
  /**
   * Index keys under `prefix` (txEventIndex.ts) in height order, at most `limit`.
   * PERF: one LevelDB range scan.
   */
  async searchTxEvents(prefix: Bytes, limit: number, reverse = false): Promise<Bytes[]> {
    const end = new Uint8Array(prefix.length + 13).fill(0xff);
    end.set(prefix, 0);
    const out: Bytes[] = [];
    for await (const k of this.txEvents.keys({ gte: prefix, lte: end, limit, reverse })) out.push(k);
    return out;
  }

  async getResults(height: number): Promise<Bytes | undefined> {
    return (await this.results.get(u64(height))) ?? undefined;
  }
  async heightOfBlockId(id: Bytes): Promise<number | undefined> {
    const b = await this.blockIds.get(id);
    return b ? Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0)) : undefined;
  }
  async getTxRecord(hash: Bytes): Promise<Bytes | undefined> {
    return (await this.txIndex.get(hash)) ?? undefined;
  }

  /**
   * A consistent in-memory copy of the whole committed state (one LevelDB iterator: a snapshot),
   * for the invariant checks of test nodes and `strata export` (offline). PERF: O(state): never on
   * a block's path.
   */
  async stateSnapshot(): Promise<MemoryStore> {
    const m = new MemoryStore();
    const changes: { key: Bytes; value: Bytes }[] = [];
    for await (const [key, value] of this.stateDb.iterator()) changes.push({ key, value });
    m.apply(changes);
    return m;
  }
}
