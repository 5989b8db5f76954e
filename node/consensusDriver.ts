// Runs the consensus core for a node: feeds it gossip and timers, carries out its effects
// (publish, schedule, commit), and falls back to block sync when the node is behind.
// All core calls happen on the one JS thread, so the core sees one event at a time.
// The pieces with one job each live beside it: gossipVerdict (topic validation), proposalTxs and
// proposalTxFetch (compact proposals), blockSync and blockSyncServer, peerShun, walReplay,
// consensusStats; this file holds the wiring and the one commit step.
import { ConsensusCore, type CoreEffect } from "../consensus/core.ts";
import { VoteType, type VoteValue } from "../consensus/vote.ts";
import { DEFAULT_TIMEOUTS, timeoutFor, type TimeoutParams, type ValidatorInfo } from "../consensus/types.ts";
import { BlockIdFlag, Block, type CommitValue } from "../state/encoding/types.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import type { Chain, ProposedBlock } from "./chain.ts";
import type { FilePrivval } from "./privval.ts";
import type { Logger } from "./logger.ts";
import { TxBatchMsg, VoteMsg } from "./wire.ts";
import { answerAsGossip, votesRequest } from "./votePull.ts";
import { pullTxsFrom } from "./mempoolPull.ts";
import type { ConsensusWal } from "./consensusWal.ts";
import type { WalMessage } from "../consensus/walMessage.ts";
import { asStorageFault, FatalError } from "./fatal.ts";
import { polRound, type ProposalValue } from "../consensus/proposal.ts";
import type { Equivocation } from "../consensus/voteSet.ts";
import { encodeEvidence } from "../consensus/evidence/duplicateVoteEvidence.ts";
import type { ProposerSchedule } from "./proposerSchedule.ts";
import {
  newConsensusStats,
  recordCommit,
  recordDecisionRound,
  summarizeConsensusStats,
  type ConsensusStatsSummary,
} from "./consensusStats.ts";
import { PeerShunList } from "./peerShun.ts";
import { ProposalTxs } from "./proposalTxs.ts";
import { fetchMissingTxs } from "./proposalTxFetch.ts";
import { gossipVerdict, type GossipTopic, type Verdict } from "./gossipVerdict.ts";
import { evidenceVerdict } from "./evidenceGossip.ts";
import { serveSync } from "./blockSyncServer.ts";
import { bestPeer, fetchBlocks, verifySyncedBlock } from "./blockSync.ts";
import { checkOwnWalRecord, replayWal, resumeRound } from "./walReplay.ts";
import { DecidingGate } from "./decidingGate.ts";
import type { DecodedTx } from "../state/tx/decodeTx.ts";
import {
  expectedExecMs,
  nextExecEstimate,
  nextPerTxEstimate,
  PRIOR_PER_TX_MS,
  timeoutAllowanceMs,
} from "./timeoutAllowance.ts";

export type Network = {
  publish(topic: "tx" | "proposal" | "vote" | "evidence", data: Uint8Array): Promise<void>;
  request(peerId: string, req: Uint8Array, timeoutMs?: number): Promise<Uint8Array>;
  peers(): string[];
};

export type DriverOptions = {
  timeouts: TimeoutParams;
  rebroadcastMs: number;
  syncCheckMs: number;
  /** how often the node asks each peer for its pending tx hashes and fetches those it lacks */
  mempoolSyncMs?: number;
  /** client txs wait while a height is being decided, at most this long from its start (node/decidingGate.ts; 0 = never) */
  clientTxHoldMs?: number;
  /**
   * Test hook (env STRATA_TEST_CRASH_AFTER_PREVOTE): after this node's first prevote for a block
   * at this height or later has gone out, sign nothing more and kill -9 this process, so tests
   * hit the lock window (prevote sent, precommit not) deterministically.
   */
  crashAfterPrevoteAt?: number;
};
export const DEFAULT_DRIVER: DriverOptions = { timeouts: DEFAULT_TIMEOUTS, rebroadcastMs: 1000, syncCheckMs: 2000 };

/** What the driver needs besides the chain: the WAL, and who stops the process on a fatal fault. */
export type DriverDeps = { wal?: ConsensusWal; onFatal?: (e: Error) => void };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export class ConsensusDriver {
  private readonly chain: Chain;
  private readonly privval: FilePrivval | undefined;
  private readonly net: Network;
  private readonly proposerAt: ProposerSchedule;
  private readonly opts: DriverOptions;
  private readonly log: Logger;
  private readonly core: ConsensusCore;
  private vals: ValidatorInfo[] = [];
  private byAddr = new Map<string, ValidatorInfo>();
  private timers = new Set<NodeJS.Timeout>();
  private busy = false; // committing or syncing: the core is paused
  /** holds client txs while a height is being decided (the RPC waits on it) */
  readonly clientTxGate: DecidingGate;
  private stopped = false;
  /**
   * Nothing is acted on before start(): gossip that arrived earlier could start a block sync that
   * moves the chain past the height the consensus WAL holds our own votes for, before enterHeight
   * checked them against sign_state (a lowered sign_state would then go unnoticed).
   */
  private started = false;
  /** set by the crash test hook: the process is about to die and must sign nothing more */
  private signingHalted = false;
  private nonce = 0;
  private futureMsgs: { topic: "proposal" | "vote"; data: Uint8Array }[] = [];
  /** precommits for the block being written, added to its commit once the write is done */
  private latePrecommits: VoteValue[] = [];
  private lastProgress = Date.now();
  readonly evidence: Equivocation[] = [];
  /** proposal → commit latencies (ms) and consensus messages per height, for the bench */
  readonly stats = newConsensusStats();
  private proposalSeenAt = 0;
  /** how long executing the latest block took here (ms): timeouts grow with it (node/timeoutAllowance.ts) */
  private execMs = 0;
  /** execution time per tx of the latest large block here (ms); with the mempool it sizes timeouts */
  private perTxMs = PRIOR_PER_TX_MS;
  /** validity by block bytes object (identity), see isValidBlock */
  private readonly validity = new WeakMap<Uint8Array, boolean>();
  /** txs of this height's and the previous height's proposals; compact proposal assembly */
  private readonly proposalTxs: ProposalTxs;
  /** block ids whose missing txs are being fetched (one fetch per proposal at a time) */
  private readonly fetching = new Set<string>();

  private readonly wal: ConsensusWal | undefined;
  private readonly onFatal: (e: Error) => void;

  constructor(
    chain: Chain,
    privval: FilePrivval | undefined,
    net: Network,
    proposerAt: ProposerSchedule,
    opts: DriverOptions,
    log: Logger,
    deps: DriverDeps = {},
  ) {
    this.chain = chain;
    this.proposalTxs = new ProposalTxs((key) => chain.mempool.get(key)?.bytes);
    this.shunned = new PeerShunList(log);
    this.wal = deps.wal;
    this.onFatal =
      deps.onFatal ??
      ((e) => {
        throw e;
      });
    this.privval = privval;
    this.net = net;
    this.proposerAt = proposerAt;
    this.opts = opts;
    this.clientTxGate = new DecidingGate(opts.clientTxHoldMs ?? 0);
    this.log = log;
    // Signs only while this node's key is in the current height's set: a key outside it must not
    // vote (peers would reject the votes and lower our score).
    const inSet = () => privval !== undefined && !this.signingHalted && this.byAddr.has(hex(privval.address));
    // a sign_state write that fails (disk full, fsync error) stops the node, signing nothing more
    const guarded = <T>(f: () => T): T | undefined => {
      try {
        return f();
      } catch (e) {
        this.fatal(e);
        return undefined;
      }
    };
    const signer = {
      get address() {
        return inSet() ? privval!.address : undefined;
      },
      // what the WAL holds is durable before a signature that may depend on it leaves
      signVote: (b: Parameters<FilePrivval["signVote"]>[0]) =>
        inSet() ? guarded(() => (this.wal?.sync(), privval!.signVote(b))) : undefined,
      signProposal: (b: Parameters<FilePrivval["signProposal"]>[0]) =>
        inSet() ? guarded(() => (this.wal?.sync(), privval!.signProposal(b))) : undefined,
    };
    this.core = new ConsensusCore(
      {
        proposer: (round) => this.proposerAt.proposer(this.core.height, round),
        createBlock: () => {
          const t0 = performance.now();
          const p = this.storageRead(() => this.chain.propose(privval!.address));
          const ms = performance.now() - t0;
          this.execMs = nextExecEstimate(this.execMs, ms);
          this.perTxMs = nextPerTxEstimate(this.perTxMs, ms, p.block.txs.length);
          return { blockId: p.blockId, block: Block.serialize(p.block) };
        },
        isValidBlock: (blockId, block) => {
          // The core asks several times per height with the very same bytes object: answer once.
          const known = this.validity.get(block);
          if (known !== undefined) return known;
          const t0 = performance.now();
          const executes = !this.chain.executedBlock(blockId); // our own proposal was executed already
          const r = this.storageRead(() => this.chain.validateBlock(blockId, block));
          if (executes) {
            const ms = performance.now() - t0;
            this.execMs = nextExecEstimate(this.execMs, ms);
            if (r.ok) this.perTxMs = nextPerTxEstimate(this.perTxMs, ms, r.executed.block.txs.length);
          }
          if (!r.ok) this.log.warn("invalid block proposed", { height: this.core.height, reason: r.reason });
          this.validity.set(block, r.ok);
          return r.ok;
        },
        now: () => Date.now(),
        // votes for a block are timestamped after it (CometBFT's voteTime), so the median of a
        // commit's timestamps, the next block's time, always moves forward
        voteTime: (id) => {
          const b = this.chain.executedBlock(Buffer.from(id, "hex"));
          return b ? Math.max(Date.now(), b.block.header.time + 1) : Date.now();
        },
      },
      signer,
      (e) => this.onEffect(e),
    );
  }

  get height(): number {
    return this.core.height;
  }
  get round(): number {
    return this.core.round;
  }
  get step(): number {
    return this.core.step;
  }

  start(): void {
    this.started = true;
    this.enterHeight();
    this.every(this.opts.rebroadcastMs, () => this.rebroadcast());
    this.every(this.opts.rebroadcastMs, () => void this.pullVotes());
    this.every(this.opts.mempoolSyncMs ?? 2000, () => void this.pullTxs());
    this.every(this.opts.syncCheckMs, () => void this.maybeSync());
    void this.maybeSync();
  }

  /** Figures for bench:devnet, over the heights this process committed by consensus. */
  statsSummary(): ConsensusStatsSummary {
    return summarizeConsensusStats(this.stats);
  }

  /** Behind the network: syncing blocks, or peers report a higher height than ours. */
  catchingUp(): boolean {
    return this.syncing && this.bestPeerHeight > this.chain.height;
  }

  lastCommitRound(): number {
    return this.stats.rounds[this.stats.rounds.length - 1] ?? 0;
  }

  private writes = new Set<Promise<void>>();

  /** Tracks a chain write so shutdown can wait for it: a block is never half-written by us. */
  private async track(p: Promise<void>): Promise<void> {
    this.writes.add(p);
    try {
      await p;
    } finally {
      this.writes.delete(p);
    }
  }

  /** Resolves once no block write is in flight (for a clean shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.writes]);
  }

  stop(): void {
    this.stopped = true;
    this.clientTxGate.open();
    for (const t of this.timers) clearTimeout(t), clearInterval(t);
    this.timers.clear();
  }

  private every(ms: number, f: () => void): void {
    const t = setInterval(() => !this.stopped && f(), ms);
    t.unref?.();
    this.timers.add(t);
  }

  private enterHeight(): void {
    const h = this.chain.height + 1;
    this.clientTxGate.close(); // before the core starts the height: a proposer builds its block in startHeight
    this.vals = this.chain
      .validators()
      .map((v) => ({ address: addressFromPubkey(v.pubkey), pubkey: v.pubkey, power: BigInt(v.power) }));
    this.byAddr = new Map(this.vals.map((v) => [hex(v.address), v]));
    this.stats.msgsThisHeight = 0;
    this.proposalSeenAt = 0;
    this.lastProgress = Date.now();
    this.proposalTxs.rotate();
    const replay = this.walStart(h);
    // before the core can sign anything: what we signed before the restart must be in sign_state
    for (const m of replay) if (!this.checkOwnRecord(m)) return;
    const restore = this.privval?.restoreFor(h);
    // resume past every round the WAL shows finished (a node that signed nothing in them, e.g.
    // a non-validator, learns its round only from there)
    const round = resumeRound(restore?.round ?? 0, replay);
    const none = { lockedRound: -1, lockedBlockId: new Uint8Array(32), lockedBlock: new Uint8Array() };
    this.core.startHeight(h, this.vals, restore || round > 0 ? { ...(restore ?? none), round } : undefined);
    if (replay.length) this.replay(h, replay);
    const buffered = this.futureMsgs;
    this.futureMsgs = [];
    for (const m of buffered) this.onGossip(m.topic, m.data);
  }

  // --- the consensus WAL

  /** Begins `h` in the WAL; returns what a previous run of this node recorded at `h`. */
  private walStart(h: number): WalMessage[] {
    if (!this.wal) return [];
    const recovered = this.wal.recoveredFor(h);
    if (!this.walDo(() => this.wal!.startHeight(h))) return [];
    return recovered;
  }

  /** Feeds the core what the WAL recorded before a restart, in the order it was recorded. */
  private replay(h: number, msgs: WalMessage[]): void {
    const n = replayWal(
      this.core,
      h,
      msgs,
      (block) => this.proposalTxs.addBlock(block),
      () => this.stopped,
    );
    this.log.info("consensus WAL replayed", {
      height: h,
      round: this.core.round,
      ...n,
      tornBytes: this.wal?.tornBytes ?? 0,
    });
  }

  /** Our own vote or proposal in the WAL must be covered by sign_state; false (node stopping) if not. */
  private checkOwnRecord(m: WalMessage): boolean {
    try {
      checkOwnWalRecord(this.privval, m);
      return true;
    } catch (e) {
      this.fatal(e);
      return false;
    }
  }

  /** Appends to the WAL (fsync'd); false, with the node stopping, if the write failed. */
  private walAppend(m: WalMessage): boolean {
    if (!this.wal) return true;
    return this.walDo(() => this.wal!.append(m));
  }

  private walDo(f: () => void): boolean {
    try {
      f();
      return true;
    } catch (e) {
      this.fatal(e);
      return false;
    }
  }

  /**
   * A fault the node cannot run through (WAL or block write failed): sign nothing more, stop
   * consensus, and let the owner of the process stop it with its exit code.
   */
  private fatal(e: unknown): void {
    const f = e instanceof FatalError ? e : asStorageFault(e, this.wal?.path ?? "data");
    if (!f) throw e;
    this.signingHalted = true;
    this.stop();
    this.onFatal(f);
  }

  /**
   * A commit that holds our precommit above what sign_state says we signed means sign_state is
   * an old copy: stop before signing anything with it (privval.checkSignedAt). False if stopped.
   */
  private checkOwnSignature(c: CommitValue): boolean {
    if (!this.privval) return true;
    const me = this.privval.address;
    if (!c.signatures.some((s) => s.flag === BlockIdFlag.Commit && Buffer.compare(s.validator, me) === 0)) return true;
    try {
      this.privval.checkSignedAt(c.height);
      return true;
    } catch (e) {
      this.fatal(e);
      return false;
    }
  }

  /**
   * Runs a read of committed state; a storage fault in it (LevelDB corruption, I/O error) stops
   * the node instead of surfacing as "invalid block" or a gossip handler warning, and is
   * rethrown so the core does not act on it.
   */
  private storageRead<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      const fault = asStorageFault(e, this.chain.db.dir);
      if (fault) this.fatal(fault);
      throw e;
    }
  }

  /** Stops all signing (test hook, fatal faults). */
  haltSigning(): void {
    this.signingHalted = true;
  }

  // --- effects of the core

  private onEffect(e: CoreEffect): void {
    switch (e.kind) {
      case "proposal":
        this.proposalSeenAt ||= Date.now();
        if (!this.walAppend({ kind: "proposal", proposal: e.proposal, block: e.block })) return;
        this.publish("proposal", this.proposalMsg(e.proposal, e.block));
        return;
      case "vote":
        // signed and in sign_state already: recorded so a restart counts our own vote again
        this.walAppend({ kind: "vote", vote: e.vote });
        this.publish("vote", VoteMsg.serialize({ vote: e.vote, nonce: this.nonce++ }));
        this.maybeCrashForTest(e.vote);
        return;
      case "timeout": {
        // A timeout that fires while the core is paused (a block being written, or a sync
        // attempt) is delivered once it resumes, never dropped: a dropped one leaves the round
        // without its next step, and the node stalls. The core ignores it if the height moved on.
        const fire = () => {
          if (this.stopped) return;
          if (this.busy) return void this.later(20, fire);
          // only a timeout the core will act on is worth recording
          if (e.height === this.core.height && e.round === this.core.round && !this.core.decided) {
            if (!this.walAppend({ kind: "timeout", height: e.height, round: e.round, step: e.step })) return;
          }
          this.core.onTimeout(e.height, e.round, e.step);
        };
        const execMs = expectedExecMs(this.execMs, this.perTxMs, this.chain.expectedBlockTxs());
        this.later(timeoutFor(this.opts.timeouts, e.step, e.round) + timeoutAllowanceMs(execMs), fire);
        return;
      }
      case "lock":
        try {
          this.wal?.sync(); // the prevotes behind the lock are durable before the lock is
          this.privval?.saveLock(e.height, e.round, e.blockId, e.block);
        } catch (err) {
          this.fatal(err);
        }
        return;
      case "evidence":
        this.log.warn("equivocation observed", {
          height: e.evidence.first.body.height,
          validator: hex(e.evidence.first.body.validator),
        });
        if (this.evidence.length < 1000) this.evidence.push(e.evidence);
        this.chain.addEvidence(encodeEvidence(e.evidence.first, e.evidence.second));
        return;
      case "decide":
        void this.commitDecided(e);
        return;
    }
  }

  private maybeCrashForTest(v: VoteValue): void {
    const at = this.opts.crashAfterPrevoteAt;
    if (at === undefined || this.signingHalted || v.body.type !== VoteType.Prevote || v.body.height < at) return;
    if (v.body.blockId.every((b) => b === 0)) return; // a nil prevote locks no one
    this.signingHalted = true;
    this.log.warn("test hook: crashing after prevote", { height: v.body.height, round: v.body.round });
    // dead from here on: no more input either (a decision in the next 300 ms would commit)
    this.stop();
    // long enough for the prevote to leave the socket, short enough to die before the next step
    setTimeout(() => process.kill(process.pid, "SIGKILL"), 300);
  }

  private proposalMsg(proposal: ProposalValue, block: Uint8Array): Uint8Array {
    return this.proposalTxs.message(proposal, block, this.nonce++);
  }

  private publish(topic: "proposal" | "vote" | "tx" | "evidence", data: Uint8Array): void {
    this.net.publish(topic, data).catch((err) => this.log.debug("publish failed", { topic, err: String(err) }));
  }

  private async commitDecided(e: Extract<CoreEffect, { kind: "decide" }>): Promise<void> {
    // A stopped driver writes nothing more: the crash test hook stops it right after a prevote,
    // and the core may decide in that same call (precommits that came before the proposal); the
    // block is not lost, a restarted node syncs it. A shutdown then has no write to wait for.
    if (this.stopped) return;
    // CometBFT's StartTime = CommitTime + timeout_commit: the commit timeout runs from the
    // decision, so the block's write overlaps it instead of adding to every interval (under load
    // that write took 0.3-0.8 s of a ~2.7 s interval)
    const decidedAt = Date.now();
    this.busy = true;
    this.clientTxGate.open();
    try {
      const executed =
        this.chain.executedBlock(e.blockId) ??
        (() => {
          const r = this.chain.validateBlock(e.blockId, e.block);
          if (!r.ok) throw new Error(`decided block is invalid: ${r.reason}`);
          return r.executed;
        })();
      const commit: CommitValue = {
        height: e.height,
        round: e.round,
        blockId: e.blockId,
        signatures: this.vals.map((v, i) => {
          const p = e.precommits[i];
          return p
            ? { flag: BlockIdFlag.Commit, validator: v.address, timestamp: p.body.timestamp, signature: p.signature }
            : { flag: BlockIdFlag.Absent, validator: new Uint8Array(20), timestamp: 0, signature: new Uint8Array(64) };
        }),
      };
      recordDecisionRound(this.stats, e.round);
      if (!(await this.applyBlock(executed, commit, false))) {
        this.busy = false;
        return;
      }
      for (const v of this.latePrecommits.splice(0))
        this.chain.addLateSignature(v.body.validator, v.body.blockId, v.body.timestamp, v.signature);
      this.checkOwnSignature(commit);
      recordCommit(this.stats, this.proposalSeenAt, Date.now());
    } catch (err) {
      // not a storage fault (those stop the node above): a bug; the node cannot commit the
      // decided block, so it stops signing and stops rather than run on a state it lost track of
      this.log.error("commit failed", { height: e.height, err: (err as Error).stack ?? String(err) });
      this.busy = false;
      this.signingHalted = true;
      this.stop();
      this.onFatal(err as Error);
      return;
    }
    await this.sleep(Math.max(0, decidedAt + this.opts.timeouts.commitMs - Date.now()));
    this.busy = false;
    if (!this.stopped) this.enterHeight();
  }

  /**
   * The one way a block joins the chain, decided here or fetched by sync: the next height's
   * proposer schedule is prepared, the block is written with it atomically, then the schedule
   * advances. False (the node stopping) if the write hit a storage fault.
   */
  private async applyBlock(executed: ProposedBlock, commit: CommitValue, synced: boolean): Promise<boolean> {
    const next = this.proposerAt.prepareNext(executed.nextValidators);
    try {
      await this.track(this.chain.commit(executed, commit, next.serialized, synced));
    } catch (err) {
      const f = asStorageFault(err, this.chain.db.dir);
      if (!f) throw err;
      this.fatal(f);
      return false;
    }
    this.proposerAt.advance(next);
    return true;
  }

  private later(ms: number, f: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => this.later(ms, r));
  }

  private rebroadcast(): void {
    if (this.busy) return;
    const r = this.core.round;
    const me = this.privval && this.byAddr.has(hex(this.privval.address)) ? this.privval.address : undefined;
    const own = this.core.proposalOf(r);
    if (own && me && Buffer.compare(own.proposal.body.proposer, me) === 0) {
      this.publish("proposal", this.proposalMsg(own.proposal, own.block));
    }
    if (!me) return;
    for (const round of [r - 1, r]) {
      const v = this.core.votesOf(round);
      if (!v) continue;
      for (const set of [v.prevotes, v.precommits]) {
        const mine = set.list().find((x) => x && Buffer.compare(x.body.validator, me) === 0);
        if (mine) this.publish("vote", VoteMsg.serialize({ vote: mine, nonce: this.nonce++ }));
      }
    }
  }

  // --- gossip in

  /** Topic validator: cheap checks and signatures; says reject only for provably bad messages. */
  validate(topic: GossipTopic, data: Uint8Array): Verdict {
    const v = this.verdict(topic, data);
    if (v === "reject") this.log.debug("gossip message rejected", { topic, bytes: data.length });
    return v;
  }

  /** the txs of a gossiped batch as the topic validator decoded them (the handler gets the same bytes object) */
  private readonly txBatchDecodes = new WeakMap<Uint8Array, DecodedTx[]>();

  private verdict(topic: GossipTopic, data: Uint8Array): Verdict {
    return gossipVerdict(topic, data, {
      chainId: this.chain.chainId,
      height: this.core.height,
      validator: (a) => this.byAddr.get(a),
      decodeProposal: (d) => this.proposalTxs.decode(d),
      verified: () => void this.stats.signatureVerifications++,
      evidence: (d) => evidenceVerdict(this.chain.submitEvidence(d)),
      txBatchDecoded: (d, txs) => void this.txBatchDecodes.set(d, txs),
    });
  }

  /** Evidence a client sent (broadcast_evidence) and this node accepted: to every peer's pool. */
  gossipEvidence(raw: Uint8Array): void {
    if (!this.stopped) this.publish("evidence", raw);
  }

  /** `from`: the peer that delivered it (tx admission counts pending gas per peer). */
  onGossip(topic: "tx" | "proposal" | "vote" | "evidence", data: Uint8Array, from = ""): void {
    if (this.stopped || !this.started || topic === "evidence") return; // evidence: pooled by its validator (evidenceVerdict)
    if (topic === "tx") {
      const origin = { kind: "peer", peer: from } as const;
      for (const tx of this.txBatchDecodes.get(data) ?? TxBatchMsg.deserialize(data).txs) {
        // already have it, or no longer valid: nothing to do
        this.chain.checkTxAsync(tx, origin).catch(() => {});
      }
      return;
    }
    this.stats.msgsThisHeight++;
    this.log.debug("gossip in", { topic, height: this.core.height, busy: this.busy });
    if (topic === "vote") {
      const { vote } = VoteMsg.deserialize(data);
      // Precommits for the block just decided that arrive during the commit pause still count:
      // they go into the lastCommit of the next block (CometBFT does the same), so slower
      // validators are not left out of rewards.
      if (this.busy && vote.body.height === this.core.height && vote.body.type === VoteType.Precommit) {
        // Until the chain has written the decided block its lastCommit is the previous one, so
        // hold the precommit until then (most late precommits land in this window: the decision
        // is taken at the first +2/3, the others follow within milliseconds).
        if (this.chain.height < vote.body.height) this.latePrecommits.push(vote);
        else this.chain.addLateSignature(vote.body.validator, vote.body.blockId, vote.body.timestamp, vote.signature);
        return;
      }
      if (vote.body.height > this.core.height || this.busy) return this.buffer(topic, data, vote.body.height);
      if (vote.body.height === this.core.height && !this.core.hasVote(vote)) {
        if (!this.walAppend({ kind: "vote", vote })) return;
        this.core.onVote(vote);
      }
      return;
    }
    const { proposal, block: compact } = this.proposalTxs.decode(data);
    if (proposal.body.height > this.core.height || this.busy) return this.buffer(topic, data, proposal.body.height);
    if (proposal.body.height !== this.core.height || this.core.proposalOf(proposal.body.round)) return;
    this.proposalSeenAt ||= Date.now();
    const r = this.proposalTxs.rebuild(compact);
    if ("missing" in r) return void this.fetchProposalTxs(proposal.body.blockId, r.missing, data);
    const block = r.block;
    if (!this.walAppend({ kind: "proposal", proposal, block })) return;
    this.core.onProposal(proposal, block);
    // a re-proposal of a locked block names its proof-of-lock round: fetch those prevotes now
    // if we lack them, rather than at the next periodic pull
    const vr = polRound(proposal.body);
    if (vr >= 0 && !this.core.votesOf(vr)?.prevotes.hasTwoThirdsFor(hex(proposal.body.blockId))) void this.pullVotes();
  }

  /**
   * Asks every peer for the txs of a proposal this node lacks (the proposer has them all, others
   * may), keeps those whose hash was asked for, and hands the proposal in again. If some stay
   * missing the proposal is dropped here; the proposer's rebroadcast brings it back.
   */
  private async fetchProposalTxs(blockId: Uint8Array, missing: Uint8Array[], data: Uint8Array): Promise<void> {
    const id = hex(blockId);
    if (this.fetching.has(id)) return;
    this.fetching.add(id);
    let wanted: Set<string>;
    try {
      wanted = await fetchMissingTxs(this.net, missing, (k, tx) => {
        this.proposalTxs.add(k, tx);
        this.stats.proposalTxsFetched++;
      });
    } finally {
      this.fetching.delete(id);
    }
    if (wanted.size > 0)
      return void this.log.debug("proposal txs not found at any peer", {
        height: this.core.height,
        missing: wanted.size,
      });
    if (!this.stopped) this.onGossip("proposal", data);
  }

  private buffer(topic: "proposal" | "vote", data: Uint8Array, height: number): void {
    if (height < this.core.height) return;
    if (this.futureMsgs.length < 10_000) this.futureMsgs.push({ topic, data });
    if (height > this.core.height && !this.busy) void this.maybeSync();
  }

  // --- mempool re-gossip and vote gossip by pull (node/mempoolPull.ts, node/votePull.ts)

  private async pullTxs(): Promise<void> {
    if (this.stopped || this.pullingTxs || this.catchingUp()) return;
    this.pullingTxs = true;
    try {
      for (const peer of this.shunned.usable(this.net.peers())) {
        try {
          this.stats.mempoolTxsPulled += await pullTxsFrom(
            this.chain,
            (req, ms) => this.net.request(peer, req, ms),
            peer,
          );
        } catch {
          /* unreachable or older peer: the others may have them */
        }
      }
    } finally {
      this.pullingTxs = false;
    }
  }
  private pullingTxs = false;

  /**
   * Asks every peer for the votes and proposals of the current height it has and we lack, every
   * rebroadcastMs. A restarted or partitioned node thereby gets every round's votes, the
   * prevotes of a proof-of-lock round above all, which own-vote rebroadcast never resends.
   */
  private async pullVotes(): Promise<void> {
    if (this.busy || this.stopped || this.pullingVotes) return;
    this.pullingVotes = true;
    try {
      const h = this.core.height;
      const req = votesRequest(this.core, this.vals.length);
      await Promise.all(
        this.shunned.usable(this.net.peers()).map(async (peer) => {
          let got: ReturnType<typeof answerAsGossip>;
          try {
            got = answerAsGossip(await this.net.request(peer, req, 3000));
          } catch {
            return; // unreachable, or an older node: the others may answer
          }
          if (this.stopped || this.core.height !== h) return;
          // the same checks as gossip (signature, validator, height) before the core sees them
          for (const data of got.proposals)
            if (this.validate("proposal", data) === "accept") this.onGossip("proposal", data);
          for (const { vote, data } of got.votes) {
            if (!this.core.hasVote(vote) && this.validate("vote", data) === "accept") this.onGossip("vote", data);
          }
        }),
      );
    } finally {
      this.pullingVotes = false;
    }
  }
  private pullingVotes = false;

  // --- block sync

  /** Serves `/sync/1` (node/blockSyncServer.ts). */
  serveSync(req: Uint8Array): Promise<Uint8Array> {
    return serveSync(req, {
      chain: this.chain,
      core: this.core,
      proposalMsg: (p, b) => this.proposalMsg(p, b),
      txBytes: (k) => this.proposalTxs.get(k),
    });
  }

  private syncing = false;
  private bestPeerHeight = 0;
  private peersAsked = false;

  /** The highest height a peer reported in the last status round (undefined before the first). */
  peerHeight(): number | undefined {
    return this.peersAsked ? this.bestPeerHeight : undefined;
  }
  /** peers not asked for blocks until the time given (another network's chain, or bad blocks) */
  private readonly shunned: PeerShunList;

  /** how many peers are not synced from right now (metrics) */
  shunnedPeers(): number {
    return this.shunned.count();
  }

  /** If a peer is ahead, fetch, verify and apply blocks until we are level, then resume consensus. */
  async maybeSync(): Promise<void> {
    if (this.syncing || this.stopped || !this.started) return;
    this.syncing = true;
    try {
      for (;;) {
        const best = await bestPeer(this.net, this.shunned, this.chain.genesisHash);
        this.bestPeerHeight = best?.height ?? 0;
        this.peersAsked = true;
        if (!best || best.height <= this.chain.height) return;
        // Wait for an in-flight commit to finish before touching the chain.
        while (this.busy && !this.stopped) await this.sleep(20);
        if (this.stopped) return;
        this.busy = true;
        this.clientTxGate.open(); // the height is decided elsewhere: nothing to make room for
        let applied = 0;
        try {
          for (const sb of await fetchBlocks(this.net, best.peer, this.chain.height + 1)) {
            if (this.stopped) return;
            const { executed, commit } = verifySyncedBlock(this.chain, sb, best.peer, this.shunned);
            if (!(await this.applyBlock(executed, commit, true))) return;
            applied++;
            if (!this.checkOwnSignature(commit)) return;
          }
        } finally {
          this.busy = false;
        }
        if (applied === 0) return;
        this.log.info("synced blocks", { to: this.chain.height, from: best.peer.slice(-8) });
        this.enterHeight();
      }
    } catch (err) {
      this.log.warn("block sync failed", { err: (err as Error).message });
    } finally {
      this.syncing = false;
    }
  }

  /** Gossips txs accepted over RPC to the other nodes (batched by the caller). */
  gossipTxs(txs: Uint8Array[]): void {
    if (txs.length) this.publish("tx", TxBatchMsg.serialize({ txs }));
  }
}
