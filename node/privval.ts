// The validator's signer with double-sign protection, like CometBFT's FilePV: the last signed
// (height, round, step) and what was signed are persisted with fsync BEFORE a signature leaves
// this module, and nothing that could conflict is ever signed, across restarts. The consensus
// lock (height, round, block) is persisted too, so a restarted validator keeps its lock.
import { existsSync, readFileSync, writeFileSync, openSync, fsyncSync, closeSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { VoteType, voteSignBytes, type VoteBodyValue, type VoteValue } from "../consensus/vote.ts";
import { proposalSignBytes, type ProposalBodyValue, type ProposalValue } from "../consensus/proposal.ts";
import type { CoreSigner, LockState } from "../consensus/core.ts";
import type { ValidatorKey } from "./validatorKey.ts";

/** Sign steps in protocol order: a later step at the same height/round may follow an earlier one. */
const STEP_PROPOSAL = 1;
const STEP_PREVOTE = 2;
const STEP_PRECOMMIT = 3;

type LastSign = { height: number; round: number; step: number; blockId: string; timestamp: number; signature: string };
type LockFile = { height: number; round: number; lockedRound: number; blockId: string; block: string };

export class DoubleSignRefused extends Error {}

function writeDurable(path: string, data: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  const fd = openSync(tmp, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
  const dfd = openSync(dirname(path), "r");
  fsyncSync(dfd);
  closeSync(dfd);
}

export class FilePrivval implements CoreSigner {
  readonly address: Uint8Array;
  private readonly key: ValidatorKey;
  private readonly chainId: string;
  private readonly statePath: string;
  private readonly lockPath: string;
  private last: LastSign | undefined;

  constructor(key: ValidatorKey, chainId: string, statePath: string) {
    this.key = key;
    this.address = key.address;
    this.chainId = chainId;
    this.statePath = statePath;
    this.lockPath = `${statePath}.lock.json`;
    if (existsSync(statePath)) this.last = JSON.parse(readFileSync(statePath, "utf8")) as LastSign;
  }

  lastSigned(): LastSign | undefined {
    return this.last;
  }

  /**
   * Returns the signature to use, or throws DoubleSignRefused. A request identical to the last
   * one (same h/r/step and block) gets the stored signature and timestamp back, so a restarted
   * node can re-send its vote without signing anything new.
   */
  private check(height: number, round: number, step: number, blockId: Uint8Array): { reuse?: LastSign } {
    const l = this.last;
    if (!l) return {};
    const id = Buffer.from(blockId).toString("hex");
    if (height < l.height) throw new DoubleSignRefused(`height regression: asked ${height}, last signed ${l.height}`);
    if (height > l.height) return {};
    if (round < l.round) throw new DoubleSignRefused(`round regression at height ${height}: asked ${round}, last signed ${l.round}`);
    if (round > l.round) return {};
    if (step < l.step) throw new DoubleSignRefused(`step regression at ${height}/${round}: asked ${step}, last signed ${l.step}`);
    if (step > l.step) return {};
    if (id === l.blockId) return { reuse: l };
    throw new DoubleSignRefused(`conflicting ${step === STEP_PROPOSAL ? "proposal" : "vote"} at ${height}/${round}: already signed block ${l.blockId.slice(0, 12)}`);
  }

  private persist(s: LastSign): void {
    writeDurable(this.statePath, JSON.stringify(s));
    this.last = s;
  }

  signVote(body: VoteBodyValue): VoteValue | undefined {
    const step = body.type === VoteType.Prevote ? STEP_PREVOTE : STEP_PRECOMMIT;
    let c: { reuse?: LastSign };
    try {
      c = this.check(body.height, body.round, step, body.blockId);
    } catch (e) {
      if (e instanceof DoubleSignRefused) return undefined;
      throw e;
    }
    if (c.reuse) {
      const b = { ...body, timestamp: c.reuse.timestamp };
      return { body: b, signature: new Uint8Array(Buffer.from(c.reuse.signature, "hex")) };
    }
    const signature = this.key.sign(voteSignBytes(this.chainId, body));
    this.persist({ height: body.height, round: body.round, step, blockId: Buffer.from(body.blockId).toString("hex"), timestamp: body.timestamp, signature: Buffer.from(signature).toString("hex") });
    return { body, signature };
  }

  signProposal(body: ProposalBodyValue): ProposalValue | undefined {
    let c: { reuse?: LastSign };
    try {
      c = this.check(body.height, body.round, STEP_PROPOSAL, body.blockId);
    } catch (e) {
      if (e instanceof DoubleSignRefused) return undefined;
      throw e;
    }
    if (c.reuse) return { body: { ...body, timestamp: c.reuse.timestamp }, signature: new Uint8Array(Buffer.from(c.reuse.signature, "hex")) };
    const signature = this.key.sign(proposalSignBytes(this.chainId, body));
    this.persist({ height: body.height, round: body.round, step: STEP_PROPOSAL, blockId: Buffer.from(body.blockId).toString("hex"), timestamp: body.timestamp, signature: Buffer.from(signature).toString("hex") });
    return { body, signature };
  }

  /** Persist the lock before the precommit that follows it is signed. */
  saveLock(height: number, round: number, blockId: Uint8Array, block: Uint8Array): void {
    const l: LockFile = { height, round, lockedRound: round, blockId: Buffer.from(blockId).toString("hex"), block: Buffer.from(block).toString("base64") };
    writeDurable(this.lockPath, JSON.stringify(l));
  }

  /**
   * Where to resume `height` after a restart: the round after the last one we signed in (we
   * cannot re-run that round without the votes we saw in it, and signing anything else in it
   * could conflict), and the lock if any.
   */
  restoreFor(height: number): LockState | undefined {
    const l = this.last;
    if (!l || l.height !== height) return undefined;
    let lock: LockFile | undefined;
    if (existsSync(this.lockPath)) {
      const j = JSON.parse(readFileSync(this.lockPath, "utf8")) as LockFile;
      if (j.height === height) lock = j;
    }
    return {
      round: l.round + 1,
      lockedRound: lock ? lock.lockedRound : -1,
      lockedBlockId: lock ? new Uint8Array(Buffer.from(lock.blockId, "hex")) : new Uint8Array(32),
      lockedBlock: lock ? new Uint8Array(Buffer.from(lock.block, "base64")) : new Uint8Array(),
    };
  }
}
