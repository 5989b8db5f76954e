// Process lifecycle of one node: load home, open the chain, join the network, run consensus,
// serve RPC, and shut down cleanly on SIGINT/SIGTERM (finish the commit in flight, close LevelDB).
import { readFileSync, existsSync, mkdirSync } from "node:fs";
import { parseGenesis } from "../state/genesis.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { Chain } from "../node/chain.ts";
import { homePaths, loadConfig, pruningOf, type NodeConfig } from "../node/config.ts";
import { loadValidatorKey } from "../node/validatorKey.ts";
import { startRpcServer } from "../rpc/server.ts";
import { CONNECTION_SLACK, openFilesLimit, rpcConnectionLimits, type RpcConnectionLimits } from "../node/fdLimit.ts";
import { buildMethods } from "../rpc/methods.ts";
import { createLogger, type Logger } from "../node/logger.ts";
import { P2P } from "../node/p2p.ts";
import { ConsensusDriver, DEFAULT_DRIVER } from "../node/consensusDriver.ts";
import { FilePrivval } from "../node/privval.ts";
import { ProposerSchedule } from "../node/proposerSchedule.ts";
import { TxGossip } from "../node/txGossip.ts";
import { EventBus } from "../rpc/eventBus.ts";
import { createNodeMetrics } from "../node/metrics.ts";
import { VerifyPool } from "../node/verifyPool.ts";
import { Registry } from "prom-client";
import { healthCheck } from "../node/health.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";
import { getPendingValidators } from "../state/validators.ts";
import { installProcessGuard } from "../node/processGuard.ts";
import { ConsensusWal } from "../node/consensusWal.ts";
import { BlockIdFlag } from "../state/encoding/types.ts";
import { asStorageFault, FatalError, FatalExit } from "../node/fatal.ts";
import { join } from "node:path";
import pg from "pg";
import { PsqlIndexer } from "../node/psqlIndexer.ts";

/**
 * Stops the process on a fault the node must not run through: one error line naming the file
 * and what to do, the exit code of the fault (docs/operating.md). Nothing is signed after this
 * (the caller halted signing), and nothing is flushed: the disk is what failed.
 */
export function exitFatal(log: Logger, e: Error): never {
  const f = e instanceof FatalError ? e : undefined;
  log.error(f ? f.message : `fatal: ${e.message}`, {
    exitCode: f?.exitCode ?? FatalExit.Internal,
    path: f?.path,
    stack: f ? undefined : e.stack,
  });
  process.exit(f?.exitCode ?? FatalExit.Internal);
}

export type RunningNode = {
  chain: Chain;
  config: NodeConfig;
  p2p: P2P;
  driver: ConsensusDriver;
  stop(): Promise<void>;
};

export function loadGenesisFile(path: string) {
  if (!existsSync(path)) throw new Error(`genesis file not found: ${path} (run \`strata init\` first)`);
  const bytes = readFileSync(path);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return { genesis: parseGenesis(json), bytes: new Uint8Array(bytes) };
}

/** The psql indexer and the pool tx_search / block_search query through (docs/indexer.md). */
function startPsql(url: string, chain: Chain, log: Logger): { indexer: PsqlIndexer; pool: pg.Pool } {
  const ilog = log.child("indexer");
  // test hook STRATA_TEST_INDEXER_CRASH_AT=<height>: die (-9) inside that height's transaction
  const crashAt = process.env.STRATA_TEST_INDEXER_CRASH_AT;
  const indexer = new PsqlIndexer(
    { url, crashInsideTxAt: crashAt ? Number(crashAt) : undefined },
    { chain, log: ilog },
  );
  indexer.start();
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 10_000,
    application_name: "strata-rpc",
  });
  // an idle pooled connection that breaks (PostgreSQL restarted) is dropped here, not thrown
  pool.on("error", (e) => ilog.warn("search pool connection lost", { error: e.message }));
  return { indexer, pool };
}

export async function startNode(home: string, log: Logger = createLogger({ name: "node" })): Promise<RunningNode> {
  // a client's or peer's input that escapes its handler is logged; any other escape stops the node
  installProcessGuard(log.child("guard"));
  const paths = homePaths(home);
  const config = loadConfig(home);
  const { genesis, bytes } = loadGenesisFile(paths.genesis);
  const key = loadValidatorKey(paths.validatorKey);
  mkdirSync(paths.data, { recursive: true });
  const verifier = VerifyPool.start(config.verifyWorkers);
  // LevelDB reports damage where it reads it (open, the integrity check, the first state reads):
  // any of it is a damaged database, not a crash
  const chain = await Chain.open(paths.data, genesis, bytes, {
    mempool: config.mempool,
    verifier,
    indexTxEvents: config.indexer.kind === "kv" && config.txIndex.events,
    recordHeightSummary: config.indexer.kind === "psql",
    pruning: pruningOf(config),
    mempoolLogPath: join(paths.data, "mempool.log"),
    checkInvariants: process.env.STRATA_CHECK_INVARIANTS === "1",
  }).catch((e: unknown) => {
    throw asStorageFault(e, paths.data) ?? e;
  });
  log.info("chain opened", {
    chainId: chain.chainId,
    height: chain.height,
    stateRoot: Buffer.from(chain.stateRoot).toString("hex").toUpperCase(),
    mempoolReloaded: chain.reloaded.admitted,
    mempoolLogged: chain.reloaded.logged,
  });

  // Every node has a consensus key; it signs only while it is in the height's validator set.
  const isValidator = chain.validators().some((v) => Buffer.compare(v.pubkey, key.pubkey) === 0);
  const refused: Record<string, number> = { height: 0, round: 0, step: 0, conflict: 0 };
  let refusedAt = -1;
  const privval = new FilePrivval(key, chain.chainId, paths.signState, (e) => {
    refused[e.kind] = (refused[e.kind] ?? 0) + 1;
    // the others happen in a normal restart (the core re-asks for a step it signed); a height
    // refusal never does: say it loudly, once per height
    if (e.kind === "height" && refusedAt !== e.askedHeight) {
      refusedAt = e.askedHeight;
      log.error("refusing to sign: sign_state is ahead of the chain", {
        file: paths.signState,
        signedHeight: e.signedHeight,
        height: e.askedHeight,
        hint: "this validator signs again only above the sign_state height; if the file was edited or copied from another node, see docs/operating.md (sign_state)",
      });
    }
  });
  const signAheadBy = () => Math.max(0, (privval.lastSigned()?.height ?? 0) - (chain.height + 1));
  if (isValidator) {
    // our precommit in the last stored commit: sign_state must have signed at least that high
    const own = chain
      .lastCommitOf()
      .signatures.some((s) => s.flag === BlockIdFlag.Commit && Buffer.compare(s.validator, key.address) === 0);
    if (own) privval.checkSignedAt(chain.lastCommitOf().height);
    if (signAheadBy() > 0)
      log.error("sign_state is ahead of the chain: this validator will not sign until the chain passes its height", {
        file: paths.signState,
        signedHeight: privval.lastSigned()!.height,
        chainHeight: chain.height,
      });
  }
  // the psql indexer follows the block store on its own connection; searches use a small pool
  const psql = config.indexer.kind === "psql" ? startPsql(config.indexer.psql.url, chain, log) : undefined;
  let driver: ConsensusDriver | undefined;
  const registry = config.metrics.enabled ? new Registry() : undefined;
  const p2p = await P2P.start(
    {
      chainId: chain.chainId,
      host: config.p2p.host,
      port: config.p2p.port,
      peerKeyPath: paths.nodeKey,
      bootstrap: config.p2p.bootstrap,
      metricsRegistry: registry,
      moniker: config.moniker,
    },
    {
      validate: (t, d) => (driver ? driver.validate(t, d) : "ignore"),
      onMessage: (t, d, from) => driver?.onGossip(t, d, from),
      onSyncRequest: (r) => driver!.serveSync(r),
    },
    log.child("p2p"),
  ).catch((e: Error) => {
    // libp2p's own message is a page long; say which setting to change
    if (/EADDRINUSE/.test(e.message))
      throw new StrataError(
        ErrorCode.InvalidConfig,
        `p2p port ${config.p2p.host}:${config.p2p.port} is already in use (another strata node running?): stop it or set p2p.port in ${paths.config}`,
      );
    throw e;
  });
  log.info("p2p listening", { addrs: p2p.multiaddrs.join(","), validator: isValidator });
  const c = config.consensus;
  const wal = ConsensusWal.open(join(paths.data, "cs.wal"));
  const schedule = ProposerSchedule.open(genesis.validators, chain.height + 1, chain.db.meta()?.consensus);
  chain.onFatal = (e) => {
    driver?.haltSigning();
    exitFatal(log, e);
  };
  driver = new ConsensusDriver(
    chain,
    privval,
    p2p,
    schedule,
    {
      ...DEFAULT_DRIVER,
      timeouts: {
        proposeMs: c.timeoutProposeMs,
        proposeDeltaMs: c.timeoutDeltaMs,
        prevoteMs: c.timeoutPrevoteMs,
        prevoteDeltaMs: c.timeoutDeltaMs,
        precommitMs: c.timeoutPrecommitMs,
        precommitDeltaMs: c.timeoutDeltaMs,
        commitMs: c.timeoutCommitMs,
      },
      clientTxHoldMs: c.clientTxHoldMs,
      crashAfterPrevoteAt: process.env.STRATA_TEST_CRASH_AFTER_PREVOTE
        ? Number(process.env.STRATA_TEST_CRASH_AFTER_PREVOTE)
        : undefined,
    },
    log.child("consensus"),
    {
      wal,
      onFatal: (e) => {
        driver?.haltSigning();
        exitFatal(log, e);
      },
    },
  );
  // test hook STRATA_TEST_NO_TX_GOSSIP=1: accepted txs are never gossiped (a lost batch, always)
  const noTxGossip = process.env.STRATA_TEST_NO_TX_GOSSIP === "1";
  const txGossip = new TxGossip((txs) => (noTxGossip ? undefined : driver!.gossipTxs(txs)));

  const rpcAddress = `${config.rpc.host}:${config.rpc.port}`;
  const health = healthCheck({
    chain,
    catchingUp: () => driver!.catchingUp(),
    peerHeight: () => driver!.peerHeight(),
    minBlockTimeMs: c.timeoutCommitMs,
    staleBlocks: config.health.staleBlocks,
  });
  /** connections the RPC closed for their unread answers (rpc/unreadAnswers.ts), for the metrics */
  const rpcUnread = { closed: 0, closedBytes: 0 };
  const metrics = registry
    ? createNodeMetrics(
        {
          chain,
          p2p,
          signer: () => ({ refused, aheadBy: signAheadBy() }),
          indexer: psql ? () => psql.indexer.status() : undefined,
          rpcUnread: () => rpcUnread,
          consensus: () => ({
            round: driver!.round,
            lastCommitRound: driver!.lastCommitRound(),
            signatureVerifications: driver!.stats.signatureVerifications,
            catchingUp: driver!.catchingUp(),
            proposalTxsFetched: driver!.stats.proposalTxsFetched,
            shunnedPeers: driver!.shunnedPeers(),
          }),
        },
        registry,
      )
    : undefined;
  const metricsServer = metrics
    ? await metrics.listen(config.metrics.host, config.metrics.port).catch((e: Error) => {
        throw new StrataError(
          ErrorCode.InvalidConfig,
          `cannot serve metrics on ${config.metrics.host}:${config.metrics.port}: ${e.message}`,
        );
      })
    : undefined;
  if (metrics) log.info("metrics listening", { url: `http://${config.metrics.host}:${config.metrics.port}/metrics` });
  const methods = buildMethods({
    chain,
    moniker: config.moniker,
    rpcAddress,
    validatorPubkey: key.pubkey,
    nodeId: p2p.peerId,
    onTxAccepted: (tx) => txGossip.add(tx),
    clientTxGate: () => driver!.clientTxGate.wait(),
    peers: () => p2p.peers(),
    peerInfo: () => p2p.peerInfo(),
    onEvidenceAccepted: (e) => driver!.gossipEvidence(e),
    p2pAddress: `tcp://${config.p2p.host}:${config.p2p.port}`,
    peerScore: (id) => p2p.score(id),
    consensus: () => ({
      height: driver!.height,
      round: driver!.round,
      step: driver!.step,
      evidence: driver!.evidence.length,
      stats: driver!.statsSummary(),
    }),
    catchingUp: () => driver!.catchingUp(),
    health,
    searchIndex: { kind: config.indexer.kind, psql: psql?.pool },
  });
  const rpc = await startRpcServer(
    metrics ? metrics.instrument(methods) : methods,
    { ...config.rpc, ...rpcConnectionLimit(config.rpc, log), unreadStats: rpcUnread },
    new EventBus(chain),
  );
  log.info("rpc listening", { url: `http://${rpcAddress}` });

  let pendingSet = new Map(
    getPendingValidators(chain.db).map((v) => [
      Buffer.from(v.pubkey).toString("hex"),
      Buffer.from(v.moniker).toString(),
    ]),
  );
  chain.on("block", (b) => {
    log.block({
      height: b.height,
      proposer: encodeAddress(b.header.proposer),
      txs: b.txs.length,
      failed: b.results.filter((r) => r.code !== 0).length,
      round: driver!.lastCommitRound(),
      blockTime: new Date(b.header.time).toISOString(),
      hash: Buffer.from(b.blockId).toString("hex").toUpperCase().slice(0, 12),
      peers: p2p.peers().length,
    });
    // the state machine kept the chain alive past a bug: say so loudly, every time
    for (const r of b.results)
      if (r.code === ErrorCode.Internal)
        log.error("tx failed with an internal error (a state-machine bug: report it)", {
          height: b.height,
          tx: r.hash,
          error: r.log,
        });
    // the set decided at the end of this block signs from H + 2: say who joins and who leaves it
    const next = new Map(
      getPendingValidators(chain.db).map((v) => [
        Buffer.from(v.pubkey).toString("hex"),
        Buffer.from(v.moniker).toString(),
      ]),
    );
    for (const [k, moniker] of next)
      if (!pendingSet.has(k))
        log.info("validator joins the active set", { height: b.height + 2, moniker, consensusPubkey: k });
    for (const [k, moniker] of pendingSet)
      if (!next.has(k))
        log.info("validator leaves the active set", { height: b.height + 2, moniker, consensusPubkey: k });
    pendingSet = next;
    // what happened to validators in this block, said once, on every node
    for (const e of b.events) {
      const f = Object.fromEntries(e.attributes.map((a) => [a.key, a.value]));
      if (e.type === "jail")
        log.warn("validator jailed", {
          height: b.height,
          validator: f.validator,
          until: f.until,
          tombstoned: f.tombstoned,
        });
      else if (e.type === "slash")
        log.warn("validator slashed", {
          height: b.height,
          validator: f.validator,
          fraction: f.fraction,
          burned: f.burned,
        });
      else if (e.type === "validator_set_kept")
        log.error("no eligible validator: the pending set stays in office", { height: b.height });
    }
    for (const e of b.events)
      if (e.type === "block_step_failed")
        log.error("a block step failed and was skipped (a state-machine bug: report it)", {
          height: b.height,
          ...Object.fromEntries(e.attributes.map((a) => [a.key, a.value])),
        });
  });
  driver.start();

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      driver!.stop();
      txGossip.stop();
      await driver!.idle();
      await rpc.close();
      await new Promise((r) => (metricsServer ? metricsServer.close(r) : r(undefined)));
      await p2p.stop();
      await psql?.indexer.stop();
      await psql?.pool.end().catch(() => {});
      await chain.close();
      wal.close();
      await verifier?.close();
      log.info("stopped", { height: chain.height });
    })();
    return stopping;
  }
  return { chain, config, p2p, driver, stop };
}

/**
 * rpc.maxOpenConnections (default 900), lowered with a warning to fit this process's open-files
 * limit, and rpc.maxConnectionsPerIp (default half of that).
 */
function rpcConnectionLimit(
  rpc: { maxOpenConnections: number; maxConnectionsPerIp?: number },
  log: Logger,
): RpcConnectionLimits {
  const configured = rpc.maxOpenConnections;
  const files = openFilesLimit();
  const fit = rpcConnectionLimits(configured, files, rpc.maxConnectionsPerIp);
  if (fit.maxOpenConnections < configured)
    log.warn("rpc connections limited to fit the open-files limit", {
      maxOpenConnections: fit.maxOpenConnections,
      configured,
      openFilesLimit: files,
      fix: `raise the limit (ulimit -n ${2 * (configured + CONNECTION_SLACK)}, or LimitNOFILE= in a systemd unit)`,
    });
  return fit;
}
