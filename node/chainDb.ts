// LevelDB layout of a node's home/data: one sublevel per concern, and exactly one atomic batch
// per committed block (state writes, tree nodes, block, commit, tx index, meta together), so a
// crash at any instant leaves the node at the last fully committed height.
import { MemoryStore } from "../state/store/overlay.ts";
import { Level } from "level";
import type { AbstractSublevel } from "abstract-level";
import type { KVReader, Change } from "../state/store/types.ts";
import { TREE_DEPTH, type CommitmentReader, type CommitmentUpdate } from "../state/store/commitment.ts";
import { SortedKeys } from "../state/store/sortedKeys.ts";
import { FatalError, FatalExit } from "./fatal.ts";
import { ReadCache } from "./readCache.ts";
import { checkLevelDbFiles, corrupt } from "./chainIntegrity.ts";
import type { ParamsRecord } from "./paramsHistory.ts";
import { decodeOld, encodeKeyList, encodeOld, histKey } from "./stateHistory.ts";
import type { VersionedReader } from "./stateAt.ts";
import {
  blockWindowStart,
  DEFAULT_PRUNING,
  describePruning,
  evidenceSafeEnd,
  heightNotRetained,
  stateWindowStart,
  type PruningOptions,
} from "./pruning.ts";
import { baseRecordOf, type ValidatorRecordReader } from "./validatorHistory.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";
import { getEvidenceParams } from "../state/evidenceParams.ts";
import { Block } from "../state/encoding/types.ts";
import { sha256 } from "../state/crypto/hash.ts";
import { deleteBlocks, deleteStateHistory, type PruneOp, type PruneStores } from "./chainPruning.ts";

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
  /** the validator-history record of the next height (node/validatorHistory.ts) */
  validatorRecord?: { height: number; value: Bytes };
  /** the consensus params from the next height on, when this block changed them (node/paramsHistory.ts) */
  paramsRecord?: ParamsRecord;
  /** state/heightSummary.ts of the state this block leaves (only when the psql indexer is on) */
  heightSummary?: Bytes;
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

/** Where pruning has got to: states below stateBase and blocks below blockBase are gone. */
type PruneMeta = { stateBase: number; blockBase: number };
const PRUNE_META_KEY = Uint8Array.of(2);
/**
 * How this database commits state, written with genesis. A database without it (or with another)
 * was written by an older node, whose state root means something else: refused, never misread.
 * "strata-imt/1": the indexed Merkle tree of state/store/commitment.ts (issue 18).
 */
const FORMAT_KEY = Uint8Array.of(3);
export const STATE_FORMAT = "strata-imt/1";

export class ChainDb implements KVReader, CommitmentReader, VersionedReader, ValidatorRecordReader {
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
  private readonly summaries: Sub;
  private readonly metaDb: Sub;
  private readonly valsets: Sub;
  private readonly paramsDb: Sub;
  private readonly stateHist: Sub;
  private readonly stateRev: Sub;
  private readonly pendingEvidence: Sub;
  /** pending-evidence writes, in order, off the commit path (close waits for them) */
  private evidenceWrites: Promise<void> = Promise.resolve();
  private readonly pruningOpts: PruningOptions;
  private pruneMeta: PruneMeta = { stateBase: 0, blockBase: 1 };
  private pruneJob: Promise<void> | undefined;
  /** a failed background write (pruning, the pending-evidence record): thrown at the next commit, which stops the node */
  private backgroundError: Error | undefined;
  private lastStatePrune = 0;
  private lastBlockPrune = 0;
  /** every consensus-params record, ascending (a handful: one per change), kept in memory */
  private readonly paramsList: ParamsRecord[] = [];
  private readonly nodeCache = new Map<number, Map<number, Bytes>>();
  /** every key that has a leaf, in byte order (the tree's linked list), loaded at open */
  private readonly sortedKeys = new SortedKeys();
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

  private constructor(db: Level<Bytes, Bytes>, dir: string, pruning: PruningOptions) {
    this.db = db;
    this.dir = dir;
    this.pruningOpts = pruning;
    const sub = (name: string): Sub =>
      db.sublevel<Bytes, Bytes>(name, { keyEncoding: "view", valueEncoding: "view" }) as Sub;
    this.stateDb = sub("state");
    this.keyIdx = sub("smt-index");
    this.nodes = sub("smt-nodes");
    this.blocks = sub("blocks");
    this.commits = sub("commits");
    this.blockIds = sub("block-ids");
    this.txIndex = sub("txs");
    this.txEvents = sub("tx-events");
    this.results = sub("results");
    this.summaries = sub("height-summary");
    this.metaDb = sub("meta");
    this.valsets = sub("valsets");
    this.pendingEvidence = sub("evidence-pending");
    this.paramsDb = sub("params-history");
    this.stateHist = sub("state-hist");
    this.stateRev = sub("state-rev");
  }

  static async open(dir: string, pruning: PruningOptions = DEFAULT_PRUNING): Promise<ChainDb> {
    checkLevelDbFiles(dir);
    const db = new Level<Bytes, Bytes>(dir, { keyEncoding: "view", valueEncoding: "view" });
    try {
      await db.open();
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      const msg = cause?.message ?? (e as Error).message;
      // held by another process: an operator error, not damage
      if (/\bLOCK\b|lock/.test(msg) && !/Corruption/i.test(msg))
        throw new Error(`cannot open database at ${dir}: ${msg} (is another strata node running on this home?)`);
      throw corrupt(dir, `LevelDB cannot open it: ${msg}`, e);
    }
    const c = new ChainDb(db, dir, pruning);
    try {
      await c.loadMeta();
      const format = await c.metaDb.get(FORMAT_KEY);
      const written = format ? Buffer.from(format).toString() : undefined;
      if (c.metaValue && written !== STATE_FORMAT) {
        await db.close();
        throw new FatalError(
          FatalExit.DatabaseCorrupt,
          dir,
          `the database was written by another strata version (state format ${written ?? "strata-smt, before format markers"}; this node reads ${STATE_FORMAT}), whose state root it cannot reproduce`,
          "every node of a chain must run the same state format from genesis: move this data directory away and start from an empty one",
        );
      }
      for await (const k of c.keyIdx.keys()) c.sortedKeys.add(k);
      await c.warmNodeCache();
      await c.loadPruneMeta();
      for await (const [k, v] of c.paramsDb.iterator())
        c.paramsList.push({ height: Number(new DataView(k.buffer, k.byteOffset, 8).getBigUint64(0)), value: v });
    } catch (e) {
      if (e instanceof FatalError) throw e;
      await db.close();
      throw corrupt(dir, `reading the meta record and the state tree failed: ${(e as Error).message}`, e);
    }
    return c;
  }

  async close(): Promise<void> {
    await this.pruneJob;
    await this.evidenceWrites;
    await this.db.close();
  }

  // --- KVReader over committed state
  get(key: Bytes): Bytes | undefined {
    return this.stateCache.get(key, this.loadState);
  }
  getKeyed(k: string, key: Bytes): Bytes | undefined {
    return this.stateCache.getKeyed(k, key, this.loadState);
  }
  private readonly loadState = (k: Bytes): Bytes | null => this.stateDb.getSync(k) ?? null;

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
  value(key: Bytes): Bytes | undefined {
    return this.get(key);
  }
  lowerKey(key: Bytes): Bytes | undefined {
    return this.sortedKeys.lower(key);
  }
  higherKey(key: Bytes): Bytes | undefined {
    return this.sortedKeys.higher(key);
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

  /**
   * A database that kept blocks before it kept state history (an older node) reads past states
   * only from where the history starts: its height at the first open with history.
   */
  private async loadPruneMeta(): Promise<void> {
    const b = await this.metaDb.get(PRUNE_META_KEY);
    if (b) this.pruneMeta = JSON.parse(Buffer.from(b).toString()) as PruneMeta;
    else if (this.metaValue && this.metaValue.height > 0) {
      this.pruneMeta = { stateBase: this.metaValue.height, blockBase: 1 };
      await this.metaDb.put(PRUNE_META_KEY, new TextEncoder().encode(JSON.stringify(this.pruneMeta)));
    }
    this.lastStatePrune = this.metaValue?.height ?? 0;
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
  /** the block write in flight, if any (settled) */
  private inflight: Promise<void> | undefined;

  /**
   * Resolves once no block write is in flight. Reads made in the same tick after it see one
   * committed block whole: while a block's batch is being written, a LevelDB read can already
   * return the new block's data while meta (the height) and the caches still say the block
   * before, so a proof or value read then mixes two heights (seen: an absence proof that did not
   * lead to its header's root, once under a CPU hog).
   */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  async commitBlock(c: BlockCommitInput): Promise<void> {
    const run = this.writeBlock(c);
    const inflight = run.then(
      () => {},
      () => {},
    );
    this.inflight = inflight;
    try {
      await run;
    } finally {
      if (this.inflight === inflight) this.inflight = undefined;
    }
  }

  private async writeBlock(c: BlockCommitInput): Promise<void> {
    if (this.backgroundError) throw this.backgroundError;
    type Op = { type: "put" | "del"; sublevel: Sub; key: Bytes; value?: Bytes };
    const ops: Op[] = [];
    // versioned state: what each changed key held before this block (read before it is overwritten)
    if (c.height > 0 && this.pruningOpts.keepRecent > 0) {
      for (const ch of c.changes)
        ops.push({
          type: "put",
          sublevel: this.stateHist,
          key: histKey(ch.key, c.height),
          value: encodeOld(this.get(ch.key)),
        });
      ops.push({ type: "put", sublevel: this.stateRev, key: u64(c.height), value: encodeKeyList(c.changes) });
    }
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
      if (c.heightSummary)
        ops.push({ type: "put", sublevel: this.summaries, key: u64(c.height), value: c.heightSummary });
    }
    // a new database starts its history at genesis (written once, with it)
    if (c.height === 0 && !this.metaValue) {
      ops.push({
        type: "put",
        sublevel: this.metaDb,
        key: PRUNE_META_KEY,
        value: new TextEncoder().encode(JSON.stringify(this.pruneMeta)),
      });
      ops.push({ type: "put", sublevel: this.metaDb, key: FORMAT_KEY, value: new TextEncoder().encode(STATE_FORMAT) });
    }
    if (c.validatorRecord)
      ops.push({
        type: "put",
        sublevel: this.valsets,
        key: u64(c.validatorRecord.height),
        value: c.validatorRecord.value,
      });
    if (c.paramsRecord)
      ops.push({ type: "put", sublevel: this.paramsDb, key: u64(c.paramsRecord.height), value: c.paramsRecord.value });
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
    for (const n of c.commitment.newIndexes) this.sortedKeys.add(n.key);
    this.metaValue = m;
    if (c.paramsRecord) this.paramsList.push(c.paramsRecord);
    if (c.height > 0) this.schedulePrune(c.height);
  }

  // --- versioned state (node/stateHistory.ts)

  /**
   * The value of `key` after block `height` (inside the state window; the caller checks it).
   * The current value is read before the history is searched, so a block committed in between
   * cannot be missed: its entry is then found and holds the older value.
   */
  async valueAt(key: Bytes, height: number): Promise<Bytes | undefined> {
    const current = this.get(key);
    for await (const [, v] of this.stateHist.iterator({
      gt: histKey(key, height),
      lte: histKey(key, Number.MAX_SAFE_INTEGER),
      limit: 1,
    }))
      return decodeOld(v);
    return current;
  }

  /** The heights whose state queries can read: [from, latest]. */
  stateWindow(): { from: number; latest: number } {
    const latest = this.metaValue?.height ?? 0;
    return { from: stateWindowStart(latest, this.pruneMeta.stateBase, this.pruningOpts), latest };
  }

  /** Throws HeightNotRetained unless the state of `height` can be read. */
  checkStateHeight(height: number): void {
    const { from, latest } = this.stateWindow();
    if (height > latest)
      throw new StrataError(
        ErrorCode.BlockNotFound,
        `height ${height} must be less than or equal to the current blockchain height ${latest}`,
      );
    if (height < from) throw heightNotRetained("state", height, from, latest, describePruning(this.pruningOpts));
  }

  /** The lowest height whose block this node still holds (status earliest_block_height). */
  earliestBlock(): number {
    return Math.max(1, this.pruneMeta.blockBase);
  }

  /** Throws HeightNotRetained for a block height below what this node keeps. */
  checkBlockHeight(height: number, what = "block"): void {
    const from = this.earliestBlock();
    if (height < from)
      throw heightNotRetained(
        what,
        height,
        from,
        this.metaValue?.height ?? 0,
        `minRetainBlocks ${this.pruningOpts.minRetainBlocks}`,
      );
  }

  /** Pruning runs off the commit path, one job at a time; a failure surfaces at the next commit. */
  private schedulePrune(height: number): void {
    if (this.pruneJob) return;
    const o = this.pruningOpts;
    const stateTo =
      o.interval > 0 && height - this.lastStatePrune >= o.interval
        ? stateWindowStart(height, this.pruneMeta.stateBase, o)
        : undefined;
    const blocksFrom = blockWindowStart(height, this.pruneMeta.blockBase, o);
    const pruneState = stateTo !== undefined && stateTo > this.pruneMeta.stateBase;
    // once a height: the evidence age may keep what minRetainBlocks would delete (pruneBlocks)
    const pruneBlocks = blocksFrom > this.pruneMeta.blockBase && height > this.lastBlockPrune;
    if (stateTo !== undefined) this.lastStatePrune = height;
    if (pruneBlocks) this.lastBlockPrune = height;
    if (!pruneState && !pruneBlocks) return;
    this.pruneJob = (async () => {
      if (pruneState) await this.pruneStates(stateTo!);
      if (pruneBlocks) await this.pruneBlocks(blocksFrom);
    })()
      .catch((e: unknown) => {
        this.backgroundError = e as Error;
      })
      .finally(() => {
        this.pruneJob = undefined;
        // blocks committed while it ran may have moved the windows on
        if (!this.backgroundError && this.metaValue) this.schedulePrune(this.metaValue.height);
      });
  }

  // --- pending evidence (consensus/evidence/evidencePool.ts PoolStore)

  /**
   * Records evidence entering or leaving the pool. Not synced: a process crash keeps LevelDB's
   * log writes (they are in the OS already); a power loss may lose the last ones, as CometBFT's
   * evidence DB. A failed write surfaces at the next commit, like a failed prune.
   */
  pendingEvidenceChanged(raw: Bytes, present: boolean): void {
    const key = sha256(raw);
    this.evidenceWrites = this.evidenceWrites
      .then(() => (present ? this.pendingEvidence.put(key, raw) : this.pendingEvidence.del(key)))
      .catch((e: unknown) => {
        this.backgroundError ??= e as Error;
      });
  }

  /** The evidence pending when the node stopped. */
  async loadPendingEvidence(): Promise<Bytes[]> {
    const out: Bytes[] = [];
    for await (const v of this.pendingEvidence.values()) out.push(v);
    return out;
  }

  /** Waits for a running pruning job (tests, benches, shutdown). */
  async pruned(): Promise<void> {
    while (this.pruneJob) await this.pruneJob;
    if (this.backgroundError) throw this.backgroundError;
  }

  /** The final batch of a pruning job: its last deletes and where pruning has got to. */
  private async writePruneMeta(ops: PruneOp[]): Promise<void> {
    ops.push({
      type: "put",
      sublevel: this.metaDb,
      key: PRUNE_META_KEY,
      value: new TextEncoder().encode(JSON.stringify(this.pruneMeta)),
    });
    await this.db.batch(ops as unknown as BatchOps);
  }

  private async pruneStates(to: number): Promise<void> {
    // refused from now on, before anything is deleted
    this.pruneMeta = { ...this.pruneMeta, stateBase: to };
    await this.writePruneMeta(await deleteStateHistory(this.pruneStores(), to));
  }

  private async pruneBlocks(want: number): Promise<void> {
    const from = this.earliestBlock();
    const m = this.metaValue!;
    const to = evidenceSafeEnd(
      from,
      want,
      { height: m.height, time: m.lastBlockTime },
      getEvidenceParams(this),
      (h) => {
        const b = this.getBlockSync(h);
        return b ? Block.deserialize(b).header.time : undefined;
      },
    );
    if (to <= from) return;
    const keepValidators = baseRecordOf(this, to);
    this.pruneMeta = { ...this.pruneMeta, blockBase: to };
    await this.writePruneMeta(await deleteBlocks(this.pruneStores(), from, to, keepValidators));
  }

  private pruneStores(): PruneStores {
    return {
      db: this.db,
      stateHist: this.stateHist,
      stateRev: this.stateRev,
      blocks: this.blocks,
      commits: this.commits,
      blockIds: this.blockIds,
      results: this.results,
      txIndex: this.txIndex,
      txEvents: this.txEvents,
      valsets: this.valsets,
    };
  }

  /** The consensus-params records, ascending by the height they apply from. */
  paramsRecords(): readonly ParamsRecord[] {
    return this.paramsList;
  }

  /** Whether any sublevel holds any key (a database without a meta record must hold none). */
  async hasAnyData(): Promise<boolean> {
    for await (const _k of this.db.keys({ limit: 1 })) return true;
    return false;
  }

  getBlockSync(height: number): Bytes | undefined {
    return this.blocks.getSync(u64(height)) ?? undefined;
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

  /** ValidatorRecordReader (node/validatorHistory.ts): the record stored for a height. */
  validatorRecord(height: number): Bytes | undefined {
    return this.valsets.getSync(u64(height)) ?? undefined;
  }

  async getHeightSummary(height: number): Promise<Bytes | undefined> {
    return (await this.summaries.get(u64(height))) ?? undefined;
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
