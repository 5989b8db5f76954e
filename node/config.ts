// Node options (third level of configuration: not in state, may differ per node): ports, paths,
// timing. Stored as <home>/config.json; every field is optional and validated on load.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ErrorCode, StrataError } from "../state/errors.ts";
import type { MempoolOptions } from "./mempool.ts";
import { DEFAULT_MEMPOOL } from "./chain.ts";
import { defaultVerifyWorkers } from "./verifyPool.ts";
import { DEFAULT_PRUNING, parsePruning, type PruningOptions, type PruningStrategy } from "./pruning.ts";

export type NodeConfig = {
  moniker: string;
  rpc: {
    host: string;
    port: number;
    corsOrigins: string[];
    maxBodyBytes: number;
    maxBatch: number;
    maxRequestsPerSecond: number;
    maxSubscriptionsPerConnection: number;
    maxWebsocketConnections: number;
    /**
     * HTTP and WebSocket connections served at once (rpc/server.ts); lowered at start to fit
     * half the process's open-files limit (node/fdLimit.ts)
     */
    maxOpenConnections: number;
    /**
     * connections served at once from one remote address (default half of maxOpenConnections:
     * one client cannot lock the others out); behind a proxy, set it to maxOpenConnections
     */
    maxConnectionsPerIp?: number;
    /** bytes of answers all clients together may leave unread (default 256 MiB; rpc/unreadAnswers.ts) */
    maxUnreadBytes?: number;
    /** bytes of answers one connection may leave unread (default 32 MiB) */
    maxUnreadBytesPerConnection?: number;
  };
  p2p: { host: string; port: number; bootstrap: string[] };
  metrics: { enabled: boolean; host: string; port: number };
  /** `health` fails when no block was committed for staleBlocks × the expected block time */
  health: { staleBlocks: number };
  consensus: {
    timeoutCommitMs: number;
    timeoutProposeMs: number;
    timeoutPrevoteMs: number;
    timeoutPrecommitMs: number;
    timeoutDeltaMs: number;
    /**
     * Consensus first: txs from RPC clients wait while the current height is being decided, at
     * most this long from the height's start (node/decidingGate.ts); 0 = never wait. 2,500 ms:
     * longer than most heights take under a flood (a 1,000 ms hold let the slow ones' tail
     * through: interval p99 2.57-2.92 s against 2.41-2.64 s), shorter than the propose timeout
     * that a height whose proposer is down waits out.
     */
    clientTxHoldMs: number;
  };
  mempool: MempoolOptions;
  /** worker threads verifying tx signatures at admission; 0 = on the main thread */
  verifyWorkers: number;
  /** events: index txs by the accounts in their events for tx_search (costs block write time) */
  txIndex: { events: boolean };
  /** past states kept for queries (node/pruning.ts): the SDK's pruning strategies */
  pruning: PruningStrategy;
  /** with pruning "custom": past heights kept besides the latest, and how often to prune */
  pruningKeepRecent: number;
  pruningInterval: number;
  /** keep the latest N blocks, delete older ones; 0 = keep all */
  minRetainBlocks: number;
  /**
   * Where tx_search and block_search are answered from, as CometBFT's `[tx_index] indexer`:
   * "kv" the LevelDB account index (txIndex.events), "psql" a PostgreSQL database kept in step
   * with the block store (docs/indexer.md), "null" no search at all.
   */
  indexer: IndexerConfig;
};

export type IndexerKind = "kv" | "psql" | "null";
export type IndexerConfig = { kind: IndexerKind; psql: { url: string } };

export const DEFAULT_CONFIG: NodeConfig = {
  moniker: "strata-node",
  rpc: {
    host: "127.0.0.1",
    port: 26657,
    corsOrigins: [],
    maxBodyBytes: 1 << 20,
    maxBatch: 100,
    maxRequestsPerSecond: 50_000,
    maxSubscriptionsPerConnection: 10,
    maxWebsocketConnections: 20_000,
    maxOpenConnections: 900,
  },
  p2p: { host: "127.0.0.1", port: 26656, bootstrap: [] },
  metrics: { enabled: false, host: "127.0.0.1", port: 26660 },
  health: { staleBlocks: 10 },
  consensus: {
    timeoutCommitMs: 1000,
    timeoutProposeMs: 3000,
    timeoutPrevoteMs: 1000,
    timeoutPrecommitMs: 1000,
    timeoutDeltaMs: 500,
    clientTxHoldMs: 2500,
  },
  mempool: DEFAULT_MEMPOOL,
  verifyWorkers: defaultVerifyWorkers(),
  txIndex: { events: true },
  pruning: DEFAULT_PRUNING.pruning,
  pruningKeepRecent: DEFAULT_PRUNING.keepRecent,
  pruningInterval: DEFAULT_PRUNING.interval,
  minRetainBlocks: DEFAULT_PRUNING.minRetainBlocks,
  indexer: { kind: "kv", psql: { url: "" } },
};

/** The pruning settings a config implies (checked by loadConfig). */
export function pruningOf(c: NodeConfig): PruningOptions {
  return parsePruning(c as unknown as Record<string, unknown>);
}

export const homePaths = (home: string) => ({
  config: join(home, "config.json"),
  genesis: join(home, "genesis.json"),
  validatorKey: join(home, "validator_key.json"),
  nodeKey: join(home, "node_key.json"),
  signState: join(home, "data", "sign_state.json"),
  data: join(home, "data"),
  keys: join(home, "keys"),
});

function bad(field: string, why: string): never {
  throw new StrataError(ErrorCode.InvalidConfig, `config.${field}: ${why}`);
}

function port(v: unknown, field: string): number {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 65535)
    bad(field, `must be a port number 1-65535, got ${JSON.stringify(v)}`);
  return v as number;
}

function posInt(v: unknown, field: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) bad(field, `must be a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

/** `zero`: what 0 means for the field. */
function nonNegInt(v: unknown, field: string, zero: string): void {
  if (!Number.isInteger(v) || (v as number) < 0)
    bad(field, `must be a non-negative integer (0 = ${zero}), got ${JSON.stringify(v)}`);
}

/** Merges <home>/config.json over the defaults; a missing file means all defaults. */
export function loadConfig(home: string): NodeConfig {
  const p = homePaths(home).config;
  if (!existsSync(p)) return structuredClone(DEFAULT_CONFIG);
  let raw: Record<string, any>;
  try {
    raw = JSON.parse(readFileSync(p, "utf8"));
  } catch (e) {
    throw new StrataError(ErrorCode.InvalidConfig, `${p} is not valid JSON: ${(e as Error).message}`);
  }
  const d = DEFAULT_CONFIG;
  if (
    raw.indexer !== undefined &&
    (typeof raw.indexer !== "object" || raw.indexer === null || Array.isArray(raw.indexer))
  )
    bad(
      "indexer",
      `must be an object such as {"kind": "psql", "psql": {"url": "postgresql://…"}}, got ${JSON.stringify(raw.indexer)}`,
    );
  const c: NodeConfig = {
    moniker: typeof raw.moniker === "string" ? raw.moniker : d.moniker,
    rpc: { ...d.rpc, ...(raw.rpc ?? {}) },
    p2p: { ...d.p2p, ...(raw.p2p ?? {}) },
    metrics: { ...d.metrics, ...(raw.metrics ?? {}) },
    health: { ...d.health, ...(raw.health ?? {}) },
    consensus: { ...d.consensus, ...(raw.consensus ?? {}) },
    mempool: { ...d.mempool, ...(raw.mempool ?? {}) },
    verifyWorkers: raw.verifyWorkers ?? d.verifyWorkers,
    txIndex: { ...d.txIndex, ...(raw.txIndex ?? {}) },
    pruning: raw.pruning ?? d.pruning,
    pruningKeepRecent: raw.pruningKeepRecent ?? d.pruningKeepRecent,
    pruningInterval: raw.pruningInterval ?? d.pruningInterval,
    minRetainBlocks: raw.minRetainBlocks ?? d.minRetainBlocks,
    indexer: { ...d.indexer, ...(raw.indexer ?? {}), psql: { ...d.indexer.psql, ...(raw.indexer?.psql ?? {}) } },
  };
  pruningOf(c);
  port(c.rpc.port, "rpc.port");
  port(c.p2p.port, "p2p.port");
  port(c.metrics.port, "metrics.port");
  if (typeof c.metrics.enabled !== "boolean") bad("metrics.enabled", "must be true or false");
  if (typeof c.txIndex.events !== "boolean")
    bad("txIndex.events", "must be true or false (false: tx_search walks recent blocks instead)");
  if (typeof c.metrics.host !== "string") bad("metrics.host", "must be a string");
  posInt(c.health.staleBlocks, "health.staleBlocks");
  if (typeof c.rpc.host !== "string") bad("rpc.host", "must be a string");
  if (!Array.isArray(c.rpc.corsOrigins)) bad("rpc.corsOrigins", "must be an array of origins");
  posInt(c.rpc.maxBodyBytes, "rpc.maxBodyBytes");
  posInt(c.rpc.maxBatch, "rpc.maxBatch");
  nonNegInt(c.rpc.maxRequestsPerSecond, "rpc.maxRequestsPerSecond", "no limit");
  posInt(c.rpc.maxSubscriptionsPerConnection, "rpc.maxSubscriptionsPerConnection");
  posInt(c.rpc.maxWebsocketConnections, "rpc.maxWebsocketConnections");
  posInt(c.rpc.maxOpenConnections, "rpc.maxOpenConnections");
  for (const k of ["maxConnectionsPerIp", "maxUnreadBytes", "maxUnreadBytesPerConnection"] as const)
    if (c.rpc[k] !== undefined) posInt(c.rpc[k], `rpc.${k}`);
  for (const k of [
    "timeoutCommitMs",
    "timeoutProposeMs",
    "timeoutPrevoteMs",
    "timeoutPrecommitMs",
    "timeoutDeltaMs",
  ] as const)
    posInt(c.consensus[k], `consensus.${k}`);
  nonNegInt(
    c.consensus.clientTxHoldMs,
    "consensus.clientTxHoldMs",
    "client txs never wait for the height being decided",
  );
  if (!Number.isInteger(c.verifyWorkers) || c.verifyWorkers < 0 || c.verifyWorkers > 64)
    bad("verifyWorkers", "must be an integer from 0 to 64 (0 = verify on the main thread)");
  posInt(c.mempool.maxTxs, "mempool.maxTxs");
  posInt(c.mempool.maxBytes, "mempool.maxBytes");
  posInt(c.mempool.maxPerSender, "mempool.maxPerSender");
  posInt(c.mempool.maxNonceGap, "mempool.maxNonceGap");
  for (const k of ["ttlNumBlocks", "ttlDurationMs", "maxPendingBlocks"] as const)
    nonNegInt(c.mempool[k], `mempool.${k}`, "no limit");
  if (!Array.isArray(c.p2p.bootstrap)) bad("p2p.bootstrap", "must be an array of multiaddrs");
  checkIndexer(c.indexer);
  return c;
}

function checkIndexer(i: IndexerConfig): void {
  if (!["kv", "psql", "null"].includes(i.kind))
    bad("indexer.kind", `must be "kv", "psql" or "null", got ${JSON.stringify(i.kind)}`);
  if (i.kind !== "psql") return;
  if (typeof i.psql.url !== "string" || !/^postgres(ql)?:\/\/./.test(i.psql.url))
    bad(
      "indexer.psql.url",
      `must be a PostgreSQL connection URL such as postgresql://user:password@127.0.0.1:5432/strata when indexer.kind is "psql", got ${JSON.stringify(i.psql.url)}`,
    );
}
