// The node's view of the chain: committed state in LevelDB, the mempool in front of it, and the
// two operations consensus needs: build a proposal (execute once into an overlay) and commit it.
import type { StrataEvent } from "../state/events.ts";
import { EventEmitter } from "node:events";
import {
  Block,
  BlockIdFlag,
  Commit,
  type BlockValue,
  type CommitValue,
  type HeaderValue,
} from "../state/encoding/types.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";
import { sha256 } from "../state/crypto/hash.ts";
import { Overlay } from "../state/store/overlay.ts";
import { computeCommitment, type CommitmentUpdate } from "../state/store/commitment.ts";
import type { Change } from "../state/store/types.ts";
import { initChain, type Genesis } from "../state/genesis.ts";
import { executeBlock } from "../state/execution/executeBlock.ts";
import { decodeTx, txSignBytesOf, type DecodedTx } from "../state/tx/decodeTx.ts";
import { badSignature, checkTxAgainstAccount, checkTxForChain, checkTxSignature } from "../state/tx/txValidity.ts";
import type { VerifyPool } from "./verifyPool.ts";
import type { TxResult } from "../state/tx/processTx.ts";
import { getBlockParams, getTxParams } from "../state/params.ts";
import { getBlockLimitViolation } from "../state/blockLimits.ts";
import { blockCapacityGas, checkAdmission, FROM_CLIENT, originKey, type TxOrigin } from "./admission.ts";
import { blockTime } from "../consensus/medianTime.ts";
import { txEventKeys } from "./txEventIndex.ts";
import { getLastValidators, getValidators, validatorsHash, type ValidatorEntryValue } from "../state/validators.ts";
import { balanceOf, getNonce } from "../state/modules/bank/keeper.ts";
import { touchedAccounts } from "./touchedAccounts.ts";
import { readAccount } from "../state/modules/bank/store.ts";
import { txResultsJson } from "./txResultsJson.ts";
import { blockIdOf, commitHashOf, evidenceHashOf, txsHashOf } from "../consensus/blockHashes.ts";
import { ChainDb } from "./chainDb.ts";
import { checkChainDb } from "./chainIntegrity.ts";
import { Mempool, type Admission, type MempoolOptions } from "./mempool.ts";
import { MempoolLog } from "./mempoolLog.ts";
import { FatalError } from "./fatal.ts";
import { BoundedSet } from "./boundedSet.ts";
import { verifyBlockEvidence, type EvidenceVerdict } from "../consensus/evidence/verifyEvidence.ts";
import { ChainEvidence } from "./chainEvidence.ts";
import { InvariantWatch } from "./invariantWatch.ts";
import { txResultRecords } from "./txResultRecords.ts";
import { heightSummary } from "../state/heightSummary.ts";
import { getBlockValidity, type BlockCheckContext } from "./blockValidity.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import { encodeFullRecord, recordFor } from "./validatorHistory.ts";
import { afterChanges, encodeParamsRecord, paramsChanged } from "./paramsHistory.ts";
import { encodeBlockResultsWithTxsJson, validatorUpdatesOf } from "./blockResults.ts";
import type { PruningOptions } from "./pruning.ts";
import { parseScheduleRecord, ProposerSchedule } from "./proposerSchedule.ts";

export type ProposedBlock = {
  block: BlockValue;
  /** S_{H+1}: the set that signs the next block, as this block leaves it */
  nextValidators: ValidatorEntryValue[];
  blockId: Uint8Array;
  changes: Change[];
  commitment: CommitmentUpdate;
  results: TxResult[];
  /** begin/end-block events (epochs, slashes, and any `block_step_failed`) */
  events: StrataEvent[];
};

export type CommittedBlockEvent = {
  block: BlockValue;
  height: number;
  blockId: Uint8Array;
  header: HeaderValue;
  txs: Uint8Array[];
  results: TxResult[];
  events: StrataEvent[];
  commitMs: number;
  /** time of the one LevelDB batch that made the block durable */
  writeMs: number;
};

export type ChainOptions = {
  mempool: MempoolOptions;
  /** worker threads for CheckTx signatures (checkTxAsync); absent = verify on the main thread */
  verifier?: VerifyPool;
  /** write the tx_search account index with each block (node/txEventIndex.ts); default true */
  indexTxEvents?: boolean;
  /** keep admitted txs in this file so they survive a crash (node/mempoolLog.ts); absent: memory only */
  mempoolLogPath?: string;
  /** store each block's state/heightSummary.ts with it, for the psql indexer; default false */
  recordHeightSummary?: boolean;
  /** check every state invariant after each committed block (node/invariantWatch.ts; tests) */
  checkInvariants?: boolean;
  /** past states and blocks kept (node/pruning.ts); default: DEFAULT_PRUNING */
  pruning?: PruningOptions;
};

/**
 * TTL: a tx not included within 300 blocks or 10 minutes of admission is dropped with its later nonces.
 * maxPendingBlocks 2: new work is refused once the pending txs fill two blocks, so a tx accepted
 * under a flood is committed within about three blocks (the one being decided, then the two ahead
 * of it; test/integration/admissionBound.test.ts). A proposer takes one block per height, so two
 * keep a full block ready while the next fills; 4 let every node queue 4 blocks (13 k transfers),
 * 19-37 s of finality p99 at the 2-core devnet's 2-6 s block intervals (docs/performance.md).
 */
export const DEFAULT_MEMPOOL: MempoolOptions = {
  maxTxs: 50_000,
  maxBytes: 64 * 1024 * 1024,
  maxPerSender: 1_000,
  maxNonceGap: 1_000,
  ttlNumBlocks: 300,
  ttlDurationMs: 600_000,
  maxPendingBlocks: 2,
};

const EMPTY_COMMIT: CommitValue = { height: 0, round: 0, blockId: new Uint8Array(32), signatures: [] };
/** admit's caller checked admission control in the same synchronous run, or it must be checked */
const ADMISSION_CHECKED = "checked";
const ADMISSION_TO_CHECK = "to check";

export class Chain extends EventEmitter<{ block: [CommittedBlockEvent] }> {
  readonly db: ChainDb;
  readonly genesis: Genesis;
  readonly mempool: Mempool;
  /** hashes of txs whose signature this node already verified (the hash covers the signature) */
  private readonly verified = new BoundedSet<string>(200_000);
  /** counters for metrics: ed25519 verifications of txs (mempool and block execution) */
  readonly stats = { signatureVerifications: 0 };
  /** "already verified?" for block execution; a miss means execution verifies it, so count it */
  private readonly verifiedOrCount = (hash: string): boolean => {
    if (this.verified.has(hash)) return true;
    this.stats.signatureVerifications++;
    return false;
  };
  private lastCommit: CommitValue = EMPTY_COMMIT;
  private readonly verifier: VerifyPool | undefined;
  /** whether blocks carry tx_search account-index entries (config txIndex.events) */
  readonly indexTxEvents: boolean;
  private readonly recordHeightSummary: boolean;
  /**
   * Txs this node decoded at admission, by hash: a block that carries them is executed without
   * decoding them again (the hash covers every byte, so the decoded form is the same).
   */
  private readonly decoded = new Map<string, DecodedTx>();
  /** hashes of txs committed lately: a peer's mempool listing them is behind, not news */
  readonly committedRecently = new BoundedSet<string>(200_000);
  private mempoolLog: MempoolLog | undefined;
  private readonly invariants: InvariantWatch | undefined;
  /** set by the node: a storage fault found here (mempool log write) stops it */
  onFatal: (e: FatalError) => void = (e) => {
    throw e;
  };

  private constructor(db: ChainDb, genesis: Genesis, opts: ChainOptions) {
    super();
    this.db = db;
    this.genesis = genesis;
    this.evidence = new ChainEvidence(db, genesis.chainId);
    this.verifier = opts.verifier;
    this.indexTxEvents = opts.indexTxEvents ?? true;
    this.recordHeightSummary = opts.recordHeightSummary ?? false;
    this.mempoolOptions = opts.mempool;
    this.invariants = opts.checkInvariants ? new InvariantWatch(db) : undefined;
    this.mempool = new Mempool(opts.mempool, {
      accountNonce: (sender) => getNonce(this.db, Buffer.from(sender, "hex")),
    });
  }

  /** Opens the database, writes genesis on first start, refuses a genesis that does not match. */
  static async open(
    dataDir: string,
    genesis: Genesis,
    genesisBytes: Uint8Array,
    opts: ChainOptions = { mempool: DEFAULT_MEMPOOL },
  ): Promise<Chain> {
    const db = await ChainDb.open(dataDir, opts.pruning);
    try {
      await checkChainDb(db);
    } catch (e) {
      await db.close();
      throw e;
    }
    const chain = new Chain(db, genesis, opts);
    const genesisHash = sha256(genesisBytes);
    const meta = db.meta();
    if (!meta) {
      const overlay = new Overlay(db);
      initChain(overlay, genesis);
      const changes = overlay.changes();
      const commitment = computeCommitment(db, changes);
      await db.commitBlock({
        height: 0,
        blockId: new Uint8Array(32),
        blockBytes: new Uint8Array(),
        commitBytes: new Uint8Array(),
        changes,
        commitment,
        txs: [],
        resultsBytes: new Uint8Array(),
        // the set that signs block 1, as the proposer schedule starts from genesis
        validatorRecord: { height: 1, value: encodeFullRecord(ProposerSchedule.open(genesis.validators, 1).setAt(1)!) },
        paramsRecord: { height: 1, value: encodeParamsRecord(overlay) },
        meta: {
          height: 0,
          stateRoot: commitment.root,
          leafCount: commitment.leafCount,
          lastBlockId: new Uint8Array(32),
          lastBlockTime: genesis.genesisTime,
          genesisHash,
        },
      });
    } else {
      if (Buffer.compare(meta.genesisHash, genesisHash) !== 0) {
        await db.close();
        throw new StrataError(
          ErrorCode.GenesisMismatch,
          `genesis.json does not match the genesis this database was created with (${dataDir})`,
        );
      }
      if (meta.height > 0) {
        const c = await db.getCommit(meta.height);
        if (c) chain.lastCommit = Commit.deserialize(c);
      }
    }
    await chain.evidence.restore();
    chain.mempool.startAt(chain.height);
    if (opts.mempoolLogPath) chain.reloadMempool(opts.mempoolLogPath);
    return chain;
  }

  /** Admits again what the mempool held before a restart (those committed meanwhile fail their nonce). */
  private reloadMempool(path: string): void {
    const { log, txs } = MempoolLog.open(path);
    for (const t of txs) {
      try {
        this.checkTx(t.bytes, t.at);
      } catch {
        /* committed meanwhile, or no longer valid */
      }
    }
    log.rewrite(this.mempool.admitted());
    log.onError = (e) => this.onFatal(e);
    this.mempoolLog = log;
    this.reloaded = { logged: txs.length, admitted: this.mempool.size };
  }
  /** what reloadMempool found, for the start log */
  reloaded = { logged: 0, admitted: 0 };

  /** how many txs the mempool dropped uncommitted since start, by reason */
  mempoolDrops(): Record<string, number> {
    return this.mempool.dropCounts;
  }

  get height(): number {
    return this.db.meta()!.height;
  }
  get stateRoot(): Uint8Array {
    return this.db.meta()!.stateRoot;
  }
  get lastBlockId(): Uint8Array {
    return this.db.meta()!.lastBlockId;
  }
  get lastBlockTime(): number {
    return this.db.meta()!.lastBlockTime;
  }
  /** sha256 of the genesis.json this chain was created from */
  get genesisHash(): Uint8Array {
    return this.db.meta()!.genesisHash;
  }
  get chainId(): string {
    return this.genesis.chainId;
  }
  validators(): ValidatorEntryValue[] {
    return getValidators(this.db);
  }

  /**
   * Mempool admission (CheckTx): every stateless rule, the signature, then nonce and fee
   * balance against committed state. Throws StrataError naming the broken rule.
   * PERF: one decode + one ed25519 verify.
   */
  checkTx(input: Uint8Array | DecodedTx, at?: Admission, origin: TxOrigin = FROM_CLIENT): DecodedTx {
    const tx = this.checkStateless(input);
    const bytes = tx.bytes;
    const sender = Buffer.from(tx.sender).toString("hex");
    if (!at) this.checkAdmission(tx, origin, sender); // before the signature: a refusal under flood costs no verify
    if (!this.verified.has(tx.hashHex)) {
      checkTxSignature(tx);
      this.stats.signatureVerifications++;
      this.verified.add(tx.hashHex);
    }
    // nothing ran since the admission check but the signature's: the mempool is as it was then
    return this.admit(tx, bytes, sender, at, origin, ADMISSION_CHECKED);
  }

  /**
   * CheckTx with the signature verified on a worker thread when the node has a verify pool (the
   * RPC and gossip paths use this), so admission of many txs uses a spare core. Same rules as
   * checkTx; the cheap account rules are also checked before the signature (a stale nonce costs
   * no verify), so a tx that breaks both is reported for the account rule. They run again after
   * the signature, against the state of then.
   */
  async checkTxAsync(input: Uint8Array | DecodedTx, origin: TxOrigin = FROM_CLIENT): Promise<DecodedTx> {
    if (!this.verifier) return this.checkTx(input, undefined, origin);
    const tx = this.checkStateless(input);
    const bytes = tx.bytes;
    const sender = Buffer.from(tx.sender).toString("hex");
    this.checkAdmission(tx, origin, sender); // before the signature: a refusal under flood costs no verify
    if (!this.verified.has(tx.hashHex)) {
      checkTxAgainstAccount(this.db, tx, "pending"); // cheap early reject before the expensive part
      if (!(await this.verifier.verify(tx.body.signer, txSignBytesOf(tx), tx.signature))) throw badSignature();
      this.stats.signatureVerifications++;
      this.verified.add(tx.hashHex);
    }
    // the verify awaited: other txs and a block may have come in since, so admission is checked again
    return this.admit(tx, bytes, sender, undefined, origin, ADMISSION_TO_CHECK);
  }

  /** `input`: the tx's bytes, or the tx as decodeTx returned it (gossip's validator decoded it already). */
  private checkStateless(input: Uint8Array | DecodedTx): DecodedTx {
    const tx = input instanceof Uint8Array ? decodeTx(input) : input;
    checkTxForChain(tx, this.chainId, getTxParams(this.db));
    return tx;
  }

  /** `at`: the original admission of a tx reloaded after a restart (its TTL runs on from there). */
  /** recent interval between committed blocks (header time), for admission's retry hint */
  private blockIntervalMs = 1000;
  private readonly mempoolOptions: MempoolOptions;

  /** Admission control (node/admission.ts): refuses work beyond maxPendingBlocks of gas, and unfair shares. */
  private checkAdmission(tx: DecodedTx, origin: TxOrigin, sender: string): void {
    const m = this.mempool;
    checkAdmission(
      {
        total: m.gas,
        origin: m.originGas(originKey(origin)),
        sender: m.senderGas(sender),
      },
      tx.gas,
      origin,
      {
        blockGas: blockCapacityGas(
          getBlockParams(this.db),
          { gas: m.gas, txs: m.size, bytes: m.bytes },
          { gas: tx.gas, bytes: tx.bytes.length },
        ),
        maxPendingBlocks: this.mempoolOptions.maxPendingBlocks ?? 0,
        blockIntervalMs: this.blockIntervalMs,
      },
      m.nonceOrder(sender, tx.body.nonce),
    );
  }

  /**
   * How many txs the next block would carry from this node's mempool: the pending txs, at most
   * one block's worth (blockCapacityGas). For timeouts (node/timeoutAllowance.ts). PERF: O(1).
   */
  expectedBlockTxs(): number {
    const m = this.mempool;
    if (m.size === 0) return 0;
    const cap = blockCapacityGas(
      getBlockParams(this.db),
      { gas: m.gas, txs: m.size - 1, bytes: m.bytes },
      {
        gas: 0n,
        bytes: 0,
      },
    );
    return m.gas <= cap ? m.size : Number((cap * BigInt(m.size)) / m.gas);
  }

  /**
   * `sender`: the sender's address in hex (the mempool's key). `admission`: whether the caller
   * checked admission control in the same synchronous run (then nothing can have changed since).
   */
  private admit(
    tx: DecodedTx,
    bytes: Uint8Array,
    sender: string,
    at: Admission | undefined,
    origin: TxOrigin,
    admission: typeof ADMISSION_CHECKED | typeof ADMISSION_TO_CHECK,
  ): DecodedTx {
    checkTxAgainstAccount(this.db, tx, "pending");
    // new work only (a reload of the mempool log re-admits what was already promised)
    if (!at && admission === ADMISSION_TO_CHECK) this.checkAdmission(tx, origin, sender);
    if (this.decoded.size >= 200_000) this.decoded.clear();
    this.decoded.set(tx.hashHex, tx);
    const when = at ?? { height: this.height, time: Date.now() };
    this.mempool.add(
      {
        hash: tx.hashHex,
        bytes,
        sender,
        nonce: tx.body.nonce,
        fee: tx.body.fee,
        gas: tx.gas,
        origin: originKey(origin),
      },
      when,
    );
    // logged before the caller hears "accepted" (not while reloading: rewritten afterwards)
    // (the write itself is batched per job: node/mempoolLog.ts; a failed one stops the node)
    if (this.mempoolLog && !at) this.mempoolLog.append({ bytes, at: when });
    return tx;
  }

  /**
   * Adds a precommit (signature already verified by gossip validation) for the last committed
   * block to the commit the next block will carry, if its validator is not in it yet.
   */
  addLateSignature(validator: Uint8Array, blockId: Uint8Array, timestamp: number, signature: Uint8Array): void {
    const c = this.lastCommit;
    if (Buffer.compare(c.blockId, blockId) !== 0) return;
    // commit signatures are in the order of the set that signed the block
    const i = getLastValidators(this.db).findIndex((v) => Buffer.compare(addressFromPubkey(v.pubkey), validator) === 0);
    if (i < 0 || i >= c.signatures.length || c.signatures[i].flag === BlockIdFlag.Commit) return;
    const signatures = c.signatures.slice();
    signatures[i] = { flag: BlockIdFlag.Commit, validator, timestamp, signature };
    this.lastCommit = { ...c, signatures };
  }

  lastCommitOf(): CommitValue {
    return this.lastCommit;
  }

  /** Builds and executes the next block from the mempool; nothing is written until commit. */
  /** The block time is not the proposer's to choose: BFT time from lastCommit (medianTime.ts). */
  propose(proposer: Uint8Array): ProposedBlock {
    const height = this.height + 1;
    const bp = getBlockParams(this.db);
    const reaped = this.mempool.reap(bp.maxTxs, bp.maxBytes, bp.maxGas);
    const txs = reaped.map((t) => t.bytes);
    const time = blockTime(this.lastCommit, getLastValidators(this.db), this.lastBlockTime);
    const { evidence, misbehaviour } = this.evidence.pool.collect(this.evidence.context(height, time), 16);
    const exec = executeBlock(
      this.db,
      {
        chainId: this.chainId,
        height,
        time,
        txs: reaped.map((t) => this.decoded.get(t.hash) ?? t.bytes),
        lastCommitSigners: signersOf(this.lastCommit),
        misbehaviour,
      },
      this.verifiedOrCount,
    );
    const nextValidators = getValidators(exec.overlay);
    const changes = exec.overlay.changes();
    const commitment = computeCommitment(this.db, changes);
    const header: HeaderValue = {
      chainId: new TextEncoder().encode(this.chainId),
      height,
      time,
      lastBlockId: this.lastBlockId,
      lastCommitHash: commitHashOf(this.lastCommit),
      txsHash: txsHashOf(txs),
      stateRoot: commitment.root,
      validatorsHash: validatorsHash(getValidators(this.db)),
      nextValidatorsHash: validatorsHash(nextValidators),
      evidenceHash: evidenceHashOf(evidence),
      proposer,
    };
    const block: BlockValue = { header, txs, evidence, lastCommit: this.lastCommit };
    const p = {
      block,
      nextValidators,
      blockId: blockIdOf(header),
      changes,
      commitment,
      results: exec.results,
      events: exec.events,
    };
    this.remember(p);
    return p;
  }

  /** the evidence pool and the history evidence is checked against (node/chainEvidence.ts) */
  readonly evidence: ChainEvidence;

  /** Conflicting votes consensus observed at the height it is deciding (verified when proposed). */
  addEvidence(e: Uint8Array): void {
    this.evidence.pool.addUnverified(e);
  }

  /** Evidence from a client (broadcast_evidence, gossip): verified against the committed chain now. */
  submitEvidence(raw: Uint8Array): EvidenceVerdict {
    return this.evidence.pool.submit(raw, this.evidence.context(this.height + 1, this.lastBlockTime));
  }

  /** Proposals this node executed (its own, or received and validated), by block id (hex). */
  private readonly executed = new Map<string, ProposedBlock>();

  /** Remembers an executed proposal so that, if decided, it is committed without re-execution. */
  remember(p: ProposedBlock): void {
    if (this.executed.size > 64) this.executed.clear();
    this.executed.set(Buffer.from(p.blockId).toString("hex"), p);
  }

  executedBlock(blockId: Uint8Array): ProposedBlock | undefined {
    return this.executed.get(Buffer.from(blockId).toString("hex"));
  }

  /** A block's tx as this node decoded it at admission, or its bytes (executeBlock decodes). */
  private decodedOf(bytes: Uint8Array): DecodedTx | Uint8Array {
    const d = this.decoded.get(Buffer.from(sha256(bytes)).toString("hex").toUpperCase());
    return d && d.bytes.length === bytes.length ? d : bytes;
  }

  /** The context a received block is checked against: what this node has committed. */
  blockCheckContext(): BlockCheckContext {
    const vals = this.validators();
    const addrs = new Set(vals.map((v) => Buffer.from(addressFromPubkey(v.pubkey)).toString("hex")));
    return {
      chainId: this.chainId,
      height: this.height + 1,
      lastBlockId: this.lastBlockId,
      lastBlockTime: this.lastBlockTime,
      validatorsHash: validatorsHash(vals),
      lastValidators: getLastValidators(this.db).map((v) => ({ pubkey: v.pubkey, power: v.power })),
      isValidator: (a) => addrs.has(Buffer.from(a).toString("hex")),
    };
  }

  /**
   * Full validity of a block for the next height: header and lastCommit checks, then execution
   * into an overlay and the state root compared. The execution is kept for commit.
   */
  validateBlock(
    blockId: Uint8Array,
    bytes: Uint8Array,
  ): { ok: true; executed: ProposedBlock } | { ok: false; reason: string } {
    // Structure first, even for a block executed before: the cache is keyed by id, and only
    // these checks prove that `bytes` are the block that id commits to.
    const check = getBlockValidity(this.blockCheckContext(), blockId, bytes);
    if (!check.ok) return check;
    const known = this.executedBlock(blockId);
    if (known) return { ok: true, executed: known };
    const { block } = check;
    // evidence first: a block carrying evidence that breaks a rule is invalid (CometBFT's rule)
    const ev = verifyBlockEvidence(block.evidence, this.evidence.context(block.header.height, block.header.time));
    if (!ev.ok) return ev;
    const txs = block.txs.map((b) => this.decodedOf(b));
    // over the block budget: refused before anything is executed
    const over = getBlockLimitViolation(
      getBlockParams(this.db),
      txs.map((t, i) => ({ bytes: block.txs[i].length, gas: t instanceof Uint8Array ? 0n : t.gas })),
    );
    if (over) return { ok: false, reason: over };
    const exec = executeBlock(
      this.db,
      {
        chainId: this.chainId,
        height: block.header.height,
        time: block.header.time,
        txs,
        lastCommitSigners: signersOf(block.lastCommit),
        misbehaviour: ev.misbehaviour,
      },
      this.verifiedOrCount,
    );
    const changes = exec.overlay.changes();
    const commitment = computeCommitment(this.db, changes);
    if (Buffer.compare(commitment.root, block.header.stateRoot) !== 0)
      return { ok: false, reason: "stateRoot does not match the result of executing the block" };
    const nextValidators = getValidators(exec.overlay);
    if (Buffer.compare(validatorsHash(nextValidators), block.header.nextValidatorsHash) !== 0) {
      return { ok: false, reason: "nextValidatorsHash does not match the validator set after the block" };
    }
    const executed: ProposedBlock = {
      block,
      nextValidators,
      blockId,
      changes,
      commitment,
      results: exec.results,
      events: exec.events,
    };
    this.remember(executed);
    return { ok: true, executed };
  }

  /** Writes a decided block and its commit in one atomic batch, then refreshes the mempool. */
  /** `synced`: the block came by block sync (it does not count against the mempool TTL). */
  async commit(p: ProposedBlock, commit: CommitValue, consensusMeta?: string, synced = false): Promise<void> {
    const t0 = performance.now();
    const { header, txs } = p.block;
    if (header.height !== this.height + 1)
      throw new Error(`commit: height ${header.height} does not follow ${this.height}`);
    if (this.height > 0)
      this.blockIntervalMs = this.blockIntervalMs * 0.8 + Math.max(0, header.time - this.lastBlockTime) * 0.2;
    // each tx's events as JSON once: the tx record and nothing else re-stringifies them
    const eventsJson = p.results.map((r) => JSON.stringify(r.events));
    const records = txResultRecords(header.height, p.results, eventsJson);
    const after = afterChanges(this.db, p.changes);
    const paramsRecord = paramsChanged(p.changes)
      ? { height: header.height + 1, value: encodeParamsRecord(after) }
      : undefined;
    const w0 = performance.now();
    await this.db.commitBlock({
      height: header.height,
      blockId: p.blockId,
      blockBytes: Block.serialize(p.block),
      commitBytes: Commit.serialize(commit),
      changes: p.changes,
      commitment: p.commitment,
      txs: records,
      txEvents: this.indexTxEvents
        ? p.results.flatMap((r, index) => txEventKeys(r.events, header.height, index))
        : undefined,
      resultsBytes: encodeBlockResultsWithTxsJson(txResultsJson(p.results, eventsJson), {
        events: p.events,
        validatorUpdates: validatorUpdatesOf(this.db, after, p.changes),
        paramUpdates: paramsRecord ? Buffer.from(paramsRecord.value).toString("hex") : null,
        appHash: Buffer.from(p.commitment.root).toString("hex"),
      }),
      validatorRecord: this.validatorRecordOf(header.height, consensusMeta),
      paramsRecord,
      heightSummary: this.recordHeightSummary
        ? new TextEncoder().encode(JSON.stringify(heightSummary(after)))
        : undefined,
      meta: {
        height: header.height,
        stateRoot: p.commitment.root,
        leafCount: p.commitment.leafCount,
        lastBlockId: p.blockId,
        lastBlockTime: header.time,
        genesisHash: this.db.meta()!.genesisHash,
        consensus: consensusMeta ?? this.db.meta()!.consensus,
      },
    });
    const writeMs = performance.now() - w0;
    this.lastCommit = commit;
    this.executed.clear();
    this.invariants?.afterCommit(header.height);
    this.evidence.committed(p.block);
    // a committed tx can never be valid again (its nonce is spent): forget what we kept for it
    for (const r of p.results) {
      this.decoded.delete(r.hash);
      this.verified.delete(r.hash);
      this.committedRecently.add(r.hash);
    }
    // Re-check without decoding: the mempool entry carries sender, nonce and fee; stale nonces
    // are dropped by the mempool itself, so only the fee balance is left to check, once per
    // sender, and only for the senders whose account this block changed.
    // Each touched sender's account is read (and decoded) once for both its nonce and balance.
    const accounts = new Map<string, { nonce: bigint; stra: bigint }>();
    const account = (sender: string) => {
      let a = accounts.get(sender);
      if (!a) {
        const acct = readAccount(this.db, Buffer.from(sender, "hex"));
        accounts.set(sender, (a = { nonce: acct?.nonce ?? 0n, stra: acct ? balanceOf(acct, "stra") : 0n }));
      }
      return a;
    };
    this.mempool.update(
      p.results.map((r) => r.hash),
      (t) => account(t.sender).stra >= t.fee,
      { height: header.height, time: Date.now() },
      synced,
      touchedAccounts(p.changes),
      (sender) => account(sender).nonce,
    );
    // mostly committed or dropped txs by now: write the live ones afresh
    if (this.mempoolLog && this.mempoolLog.bytes > 4 * this.mempool.bytes + (1 << 20)) {
      try {
        this.mempoolLog.rewrite(this.mempool.admitted());
      } catch (e) {
        if (e instanceof FatalError) this.onFatal(e);
        throw e;
      }
    }
    const commitMs = performance.now() - t0;
    this.emit("block", {
      block: p.block,
      height: header.height,
      blockId: p.blockId,
      header,
      txs,
      results: p.results,
      events: p.events,
      commitMs,
      writeMs,
    });
  }

  /** The history record of the set of height + 1, from the schedule's record the consensus layer hands over. */
  private validatorRecordOf(
    height: number,
    consensusMeta: string | undefined,
  ): { height: number; value: Uint8Array } | undefined {
    if (!consensusMeta) return undefined;
    const next = parseScheduleRecord(consensusMeta);
    if (next.height !== height + 1)
      throw new Error(`commit: the consensus record is for height ${next.height}, not ${height + 1}`);
    return { height: next.height, value: recordFor(this.db, next.height, next.set) };
  }

  async close(): Promise<void> {
    await this.invariants?.idle();
    this.mempoolLog?.close();
    await this.db.close();
  }
}

/**
 * The height summary of the state a block leaves, read through the block's changes over the
 * committed state; written in the block's own batch, so it is there exactly when the block is.
 * PERF: O(changes) to build the view, then a few dozen reads.
 */
/** Consensus addresses whose precommit is in `c`. */
export function signersOf(c: CommitValue): Uint8Array[] {
  return c.signatures.filter((s) => s.flag === BlockIdFlag.Commit).map((s) => s.validator);
}

/** The commit a single validator makes for its own block. */
export function soloCommit(
  height: number,
  blockId: Uint8Array,
  validator: Uint8Array,
  timestamp: number,
  signature: Uint8Array,
): CommitValue {
  return { height, round: 0, blockId, signatures: [{ flag: BlockIdFlag.Commit, validator, timestamp, signature }] };
}
