// Prometheus metrics of one node, served as text on GET /metrics of a separate port (off by
// default; the devnet turns it on). Event metrics (blocks, RPC calls) are observed as they
// happen; everything else is read from the node's parts at scrape time, so a node that nobody
// scrapes pays nothing for it. Names follow Prometheus conventions: strata_ prefix, base units
// (seconds), _total for counters.
import { consensusAddress, getValidator, getValidatorOperators } from "../state/modules/staking/keeper.ts";
import type { ValidatorValue } from "../state/modules/staking/types.ts";
import { getSigningInfo } from "../state/modules/slashing/store.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import type { Server } from "node:http";
import { serveMetrics } from "./metricsServer.ts";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Chain, CommittedBlockEvent } from "./chain.ts";
import type { P2P, TopicName } from "./p2p.ts";
/** An RPC handler as the metrics see it: they only time it and count its outcome. */
type Method = (params: Record<string, unknown>) => unknown;
import { chainYields } from "../state/yields.ts";
import { queryLstState } from "../state/modules/lst/keeper.ts";
import type { IndexerStatus } from "./psqlIndexer.ts";

export type MetricsSources = {
  chain: Chain;
  p2p: P2P;
  consensus: () => {
    round: number;
    lastCommitRound: number;
    signatureVerifications: number;
    catchingUp: boolean;
    proposalTxsFetched: number;
    shunnedPeers: number;
  };
  /** the validator's signer: refusals by rule, and how far sign_state is ahead of the chain */
  signer?: () => { refused: Record<string, number>; aheadBy: number };
  /** the psql indexer (node/psqlIndexer.ts), when config indexer.kind is "psql" */
  indexer?: () => IndexerStatus;
  /** the RPC's connections closed for leaving answers unread (rpc/unreadAnswers.ts) */
  rpcUnread?: () => { closed: number; closedBytes: number };
};

const E18 = 1e18;
/** an 18-decimal fixed-point string as a float: only for display, never for state */
const fixed = (s: string | null | undefined): number => (s == null ? NaN : Number(BigInt(s)) / E18);

/** A counter that mirrors a monotonically growing number owned by someone else. */
function mirror(c: Counter<string>, labels: Record<string, string>, last: Map<string, number>, now: number): void {
  const key = JSON.stringify(labels);
  // inc(0) too, so every label set is exported from the first scrape (alerts need the zero)
  c.inc(labels, Math.max(0, now - (last.get(key) ?? 0)));
  last.set(key, now);
}

export type NodeMetrics = {
  registry: Registry;
  /** wraps every RPC method with a request counter and a latency histogram */
  instrument(methods: ReadonlyMap<string, Method>): Map<string, Method>;
  /** serves GET /metrics on host:port (node/metricsServer.ts) */
  listen(host: string, port: number): Promise<Server>;
};

export function createNodeMetrics(src: MetricsSources, registry = new Registry()): NodeMetrics {
  const { chain, p2p } = src;
  collectDefaultMetrics({ register: registry });
  const r = [registry];

  // --- consensus and blocks
  new Gauge({
    name: "strata_height",
    help: "Height of the last committed block",
    registers: r,
    collect() {
      this.set(chain.height);
    },
  });
  new Gauge({
    name: "strata_consensus_round",
    help: "Round the consensus machine is in at the current height",
    registers: r,
    collect() {
      this.set(src.consensus().round);
    },
  });
  new Gauge({
    name: "strata_catching_up",
    help: "1 while the node is syncing blocks from peers",
    registers: r,
    collect() {
      this.set(src.consensus().catchingUp ? 1 : 0);
    },
  });
  const rounds = new Histogram({
    name: "strata_block_commit_round",
    help: "Round in which each height was decided (0 = first round)",
    buckets: [0, 1, 2, 3, 5, 10],
    registers: r,
  });
  const interval = new Histogram({
    name: "strata_block_interval_seconds",
    help: "Header time between consecutive blocks",
    buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30],
    registers: r,
  });
  const txsPerBlock = new Histogram({
    name: "strata_block_txs",
    help: "Transactions per committed block",
    buckets: [0, 1, 10, 100, 500, 1000, 2500, 5000, 10000],
    registers: r,
  });
  const txs = new Counter({
    name: "strata_txs_total",
    help: "Transactions committed, by result",
    labelNames: ["result"],
    registers: r,
  });
  const write = new Histogram({
    name: "strata_leveldb_write_seconds",
    help: "Time of the one LevelDB batch that makes a block durable",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: r,
  });
  const commit = new Histogram({
    name: "strata_block_commit_seconds",
    help: "Execute, commit to the store and update the mempool, per block",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: r,
  });
  let lastTime: number | undefined;
  chain.on("block", (b: CommittedBlockEvent) => {
    if (lastTime !== undefined) interval.observe(Math.max(0, b.header.time - lastTime) / 1000);
    lastTime = b.header.time;
    rounds.observe(src.consensus().lastCommitRound);
    txsPerBlock.observe(b.txs.length);
    const failed = b.results.filter((x) => x.code !== 0).length;
    if (b.txs.length - failed) txs.inc({ result: "ok" }, b.txs.length - failed);
    if (failed) txs.inc({ result: "failed" }, failed);
    write.observe(b.writeMs / 1000);
    commit.observe(b.commitMs / 1000);
  });

  // --- validators: one series per validator (labels: moniker, operator), read at scrape time
  const perValidator = (set: (v: ValidatorValue, labels: { moniker: string; operator: string }) => void) => {
    for (const op of getValidatorOperators(chain.db)) {
      const v = getValidator(chain.db, op);
      if (v) set(v, { moniker: Buffer.from(v.moniker).toString(), operator: encodeAddress(op) });
    }
  };
  new Gauge({
    name: "strata_validator_missed_blocks",
    help: "Blocks the validator missed in the current slashing window",
    labelNames: ["moniker", "operator"],
    registers: r,
    collect() {
      this.reset();
      perValidator((v, l) =>
        this.set(l, getSigningInfo(chain.db, consensusAddress(v.consensusPubkey))?.missedCounter ?? 0),
      );
    },
  });
  new Gauge({
    name: "strata_validator_jailed",
    help: "1 while the validator is jailed (tombstoned ones stay jailed)",
    labelNames: ["moniker", "operator"],
    registers: r,
    collect() {
      this.reset();
      perValidator((v, l) => this.set(l, v.jailed ? 1 : 0));
    },
  });

  // --- mempool and network
  new Gauge({
    name: "strata_mempool_txs",
    help: "Transactions waiting in the mempool",
    registers: r,
    collect() {
      this.set(chain.mempool.size);
    },
  });
  new Gauge({
    name: "strata_mempool_bytes",
    help: "Bytes of transactions waiting in the mempool",
    registers: r,
    collect() {
      this.set(chain.mempool.bytes);
    },
  });
  const dropLast = new Map<string, number>();
  new Counter({
    name: "strata_mempool_dropped_total",
    help: "Txs that left the mempool without being committed, by reason (ttl, dependency on a dropped nonce, recheck, evicted by a pricier tx)",
    labelNames: ["reason"],
    registers: r,
    collect() {
      for (const [reason, n] of Object.entries(chain.mempoolDrops())) mirror(this, { reason }, dropLast, n);
    },
  });
  new Gauge({
    name: "strata_peers",
    help: "Connected libp2p peers",
    registers: r,
    collect() {
      this.set(p2p.peers().length);
    },
  });
  new Gauge({
    name: "strata_sync_peers_shunned",
    help: "Peers not synced from for now: on another chain (genesis differs) or sent invalid blocks",
    registers: r,
    collect() {
      this.set(src.consensus().shunnedPeers);
    },
  });
  const gossipLast = new Map<string, number>();
  const gossip = (name: string, help: string, field: "published" | "received" | "rejected") =>
    new Counter({
      name,
      help,
      labelNames: ["topic"],
      registers: r,
      collect() {
        for (const t of Object.keys(p2p.counters[field]) as TopicName[])
          mirror(this, { topic: t }, gossipLast, p2p.counters[field][t]);
      },
    });
  gossip("strata_gossip_messages_out_total", "Gossip messages this node published, by topic", "published");
  gossip("strata_gossip_messages_in_total", "Gossip messages delivered to this node, by topic", "received");
  gossip(
    "strata_gossip_messages_rejected_total",
    "Gossip messages rejected by this node's topic validators (the sender's score drops)",
    "rejected",
  );
  const sync = (name: string, help: string, field: "syncRejected" | "syncAnswersAbandoned") => {
    const last = new Map<string, number>();
    return new Counter({
      name,
      help,
      registers: r,
      collect() {
        mirror(this, {}, last, p2p.counters[field]);
      },
    });
  };
  sync(
    "strata_sync_requests_refused_total",
    "Sync requests refused as abuse: over the peer's budget or in-progress limit, oversized, slow or malformed",
    "syncRejected",
  );
  sync(
    "strata_sync_answers_abandoned_total",
    "Sync answers dropped because the asking peer did not read them within the answer timeout",
    "syncAnswersAbandoned",
  );
  const fetchedLast = new Map<string, number>();
  new Counter({
    name: "strata_proposal_txs_fetched_total",
    help: "Txs of compact proposals this node lacked and fetched from peers",
    registers: r,
    collect() {
      mirror(this, {}, fetchedLast, src.consensus().proposalTxsFetched);
    },
  });
  const verifyLast = new Map<string, number>();
  new Counter({
    name: "strata_signature_verifications_total",
    help: "ed25519 verifications, by what was verified",
    labelNames: ["kind"],
    registers: r,
    collect() {
      mirror(this, { kind: "tx" }, verifyLast, chain.stats.signatureVerifications);
      mirror(this, { kind: "consensus" }, verifyLast, src.consensus().signatureVerifications);
    },
  });

  // --- signing safety
  const refusedLast = new Map<string, number>();
  new Counter({
    name: "strata_sign_refused_total",
    help: "Signatures the signer refused because they could conflict with sign_state, by rule (height = sign_state is ahead of the chain)",
    labelNames: ["rule"],
    registers: r,
    collect() {
      const s = src.signer?.();
      for (const rule of ["height", "round", "step", "conflict"])
        mirror(this, { rule }, refusedLast, s?.refused[rule] ?? 0);
    },
  });
  new Gauge({
    name: "strata_sign_state_ahead_heights",
    help: "How many heights sign_state is ahead of the height being decided (> 0: this validator cannot sign until the chain gets there)",
    registers: r,
    collect() {
      this.set(src.signer?.().aheadBy ?? 0);
    },
  });

  // --- RPC clients that ask and do not read
  const unreadLast = new Map<string, number>();
  new Counter({
    name: "strata_rpc_unread_closed_total",
    help: "RPC connections the node closed because they left more answers unread than allowed (rpc.maxUnreadBytes, rpc.maxUnreadBytesPerConnection)",
    registers: r,
    collect() {
      mirror(this, {}, unreadLast, src.rpcUnread?.().closed ?? 0);
    },
  });
  const unreadBytesLast = new Map<string, number>();
  new Counter({
    name: "strata_rpc_unread_closed_bytes_total",
    help: "Bytes of unread answers dropped with those connections",
    registers: r,
    collect() {
      mirror(this, {}, unreadBytesLast, src.rpcUnread?.().closedBytes ?? 0);
    },
  });

  // --- the chain's economics (gauges read from committed state at scrape time)
  // one computation per committed height: a scrape reads it for four gauges
  let memo: { height: number; value: ReturnType<typeof chainYields> } | undefined;
  const yields = () => {
    if (memo?.height !== chain.height) memo = { height: chain.height, value: chainYields(chain.db) };
    return memo.value;
  };
  new Gauge({
    name: "strata_bonded_ratio",
    help: "Bonded stra / total stra supply",
    registers: r,
    collect() {
      this.set(fixed(yields().staking.bondedRatio));
    },
  });
  new Gauge({
    name: "strata_lst_rate",
    help: "stra per ststra (LST redemption rate)",
    registers: r,
    collect() {
      this.set(fixed(yields().lst.rate));
    },
  });
  new Gauge({
    name: "strata_lrt_rate",
    help: "stra per rststra (LRT rate: TVL at the LST rate / rststra supply)",
    registers: r,
    collect() {
      this.set(fixed(yields().lrt.rate));
    },
  });
  new Gauge({
    name: "strata_lst_halted",
    help: "1 while the LST circuit breaker halts stake/unstake",
    registers: r,
    collect() {
      this.set(queryLstState(chain.db).halted ? 1 : 0);
    },
  });
  new Gauge({
    name: "strata_ststra_depeg",
    help: "Pool price of ststra in stra relative to the redemption rate, minus 1 (negative = discount)",
    labelNames: ["pool"],
    registers: r,
    collect() {
      for (const p of yields().depeg) if (p.depeg !== null) this.set({ pool: p.pool }, fixed(p.depeg));
    },
  });

  // --- the psql indexer: how far PostgreSQL is behind the block store (alert on a growing lag)
  if (src.indexer) {
    const ix = src.indexer;
    new Gauge({
      name: "strata_indexer_lag_blocks",
      help: "Committed blocks the psql indexer has not written to PostgreSQL yet",
      registers: r,
      collect() {
        this.set(ix().lag);
      },
    });
    new Gauge({
      name: "strata_indexer_height",
      help: "Last height whose rows are all in PostgreSQL (-1 until the database was read)",
      registers: r,
      collect() {
        this.set(ix().height);
      },
    });
    new Gauge({
      name: "strata_indexer_up",
      help: "1 while the psql indexer is connected to PostgreSQL and holds the chain's writer lock",
      registers: r,
      collect() {
        const s = ix();
        this.set(s.connected && s.writer ? 1 : 0);
      },
    });
    const rowsLast = new Map<string, number>();
    const errorsLast = new Map<string, number>();
    const writeLast = new Map<string, number>();
    new Counter({
      name: "strata_indexer_write_seconds_total",
      help: "Time the psql indexer spent in block transactions (rows_total / this = rows per second of writing)",
      registers: r,
      collect() {
        mirror(this, {}, writeLast, ix().writeMs / 1000);
      },
    });
    new Counter({
      name: "strata_indexer_rows_total",
      help: "Rows the psql indexer wrote (blocks, tx_results, events, attributes)",
      registers: r,
      collect() {
        mirror(this, {}, rowsLast, ix().rows);
      },
    });
    new Counter({
      name: "strata_indexer_errors_total",
      help: "Failed indexer writes or connections (each is retried)",
      registers: r,
      collect() {
        mirror(this, {}, errorsLast, ix().errors);
      },
    });
  }

  // --- RPC
  const rpcRequests = new Counter({
    name: "strata_rpc_requests_total",
    help: "JSON-RPC calls, by method and outcome",
    labelNames: ["method", "outcome"],
    registers: r,
  });
  const rpcLatency = new Histogram({
    name: "strata_rpc_request_duration_seconds",
    help: "JSON-RPC call latency, by method",
    labelNames: ["method"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: r,
  });

  return {
    registry,
    instrument(methods) {
      const out = new Map<string, Method>();
      for (const [name, m] of methods) {
        out.set(name, async (params) => {
          const t0 = performance.now();
          try {
            const res = await m(params);
            rpcRequests.inc({ method: name, outcome: "ok" });
            return res;
          } catch (e) {
            rpcRequests.inc({ method: name, outcome: "error" });
            throw e;
          } finally {
            rpcLatency.observe({ method: name }, (performance.now() - t0) / 1000);
          }
        });
      }
      return out;
    },
    listen(host, port) {
      return serveMetrics(registry, host, port);
    },
  };
}
