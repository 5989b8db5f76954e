// The validator's signer with double-sign protection, like CometBFT's FilePV: the last signed
// (height, round, step) and what was signed are persisted with fsync BEFORE a signature leaves
// this module, and nothing that could conflict is ever signed, across restarts. The consensus
// lock (height, round, block) is persisted too, so a restarted validator keeps its lock.
// Both files carry a sha256 checksum of their fields: a file that does not parse or check stops
// the node naming it (FatalError), never a crash loop on a JSON message; a failed write or fsync
// stops it too, before the signature it was for leaves.
import { existsSync, readFileSync, writeFileSync, openSync, fsyncSync, closeSync, renameSync } from "node:fs";
import { createHash } from "node:crypto";
import { FatalError, FatalExit } from "./fatal.ts";
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

export type RefusalKind = "height" | "round" | "step" | "conflict";

/** A request that could conflict with something already signed; `kind` says which rule. */
export class DoubleSignRefused extends Error {
  readonly kind: RefusalKind;
  readonly askedHeight: number;
  readonly signedHeight: number;
  constructor(kind: RefusalKind, askedHeight: number, signedHeight: number, message: string) {
    super(message);
    this.kind = kind;
    this.askedHeight = askedHeight;
    this.signedHeight = signedHeight;
  }
}

const RESTORE_ADVICE =
  'restore the newest copy of this file (never an older one: that double-signs); if there is none, keep the validator stopped until the network is past every height it may have signed, then write that height into it (docs/operating.md, "sign_state")';

function checksum(fields: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}
const lastSignFields = (l: LastSign) => [l.height, l.round, l.step, l.blockId, l.timestamp, l.signature];
const lockFields = (l: LockFile) => [l.height, l.round, l.lockedRound, l.blockId, l.block];

const isUint = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isHex = (v: unknown, bytes: number): v is string =>
  typeof v === "string" && v.length === bytes * 2 && /^[0-9a-f]*$/.test(v);

/**
 * Reads a JSON file with a checksum of its fields. A file written before checksums existed (no
 * `checksum` field) is accepted; the next write adds one.
 */
function readChecked<T>(
  path: string,
  what: string,
  valid: (j: Record<string, unknown>) => boolean,
  fields: (t: T) => readonly unknown[],
): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new FatalError(
      FatalExit.SignStateInvalid,
      path,
      `cannot read ${what}: ${(e as Error).message}`,
      RESTORE_ADVICE,
      e,
    );
  }
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new FatalError(
      FatalExit.SignStateInvalid,
      path,
      `${what} is not valid JSON (${(e as Error).message})`,
      RESTORE_ADVICE,
      e,
    );
  }
  if (typeof j !== "object" || j === null || !valid(j))
    throw new FatalError(FatalExit.SignStateInvalid, path, `${what} has missing or malformed fields`, RESTORE_ADVICE);
  const t = j as unknown as T;
  if (j.checksum !== undefined && j.checksum !== checksum(fields(t))) {
    throw new FatalError(
      FatalExit.SignStateInvalid,
      path,
      `${what} fails its checksum (edited by hand or damaged)`,
      RESTORE_ADVICE,
    );
  }
  return t;
}

function writeChecked(path: string, what: string, value: object, fields: readonly unknown[]): void {
  try {
    writeDurable(path, JSON.stringify({ ...value, checksum: checksum(fields) }));
  } catch (e) {
    throw new FatalError(
      FatalExit.StorageIo,
      path,
      `cannot write ${what}: ${(e as Error).message}`,
      "free disk space or fix the disk, then restart the node; it signed nothing after this",
      e,
    );
  }
}

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
  private readonly onRefuse: (e: DoubleSignRefused) => void;

  /** `onRefuse`: told of every refused request (the node logs and counts them). */
  constructor(
    key: ValidatorKey,
    chainId: string,
    statePath: string,
    onRefuse: (e: DoubleSignRefused) => void = () => {},
  ) {
    this.key = key;
    this.address = key.address;
    this.chainId = chainId;
    this.statePath = statePath;
    this.lockPath = `${statePath}.lock.json`;
    this.onRefuse = onRefuse;
    if (existsSync(statePath)) {
      this.last = readChecked<LastSign>(
        statePath,
        "sign_state",
        (j) =>
          isUint(j.height) &&
          isUint(j.round) &&
          isUint(j.step) &&
          j.step >= STEP_PROPOSAL &&
          j.step <= STEP_PRECOMMIT &&
          isHex(j.blockId, 32) &&
          isUint(j.timestamp) &&
          isHex(j.signature, 64),
        lastSignFields,
      );
    }
    // read now, so a damaged lock file stops the node at start rather than at its next restore
    this.readLock();
  }

  /**
   * A block's commit carries this validator's precommit at `height`, yet sign_state says it
   * signed nothing that high: sign_state is an old copy (a restored backup) or was lost, and
   * signing with it would double-sign. Stops the node (FatalError) before it signs.
   */
  checkSignedAt(height: number): void {
    const h = this.last?.height ?? 0;
    if (height <= h) return;
    throw this.staleError(`the chain holds this validator's precommit at height ${height}`);
  }

  /** The same for a vote or proposal of ours found in the consensus WAL: signed, so sign_state must be at or past it. */
  checkSigned(height: number, round: number, kind: "proposal" | "prevote" | "precommit"): void {
    const step = kind === "proposal" ? STEP_PROPOSAL : kind === "prevote" ? STEP_PREVOTE : STEP_PRECOMMIT;
    const l = this.last;
    const behind =
      !l || height > l.height || (height === l.height && (round > l.round || (round === l.round && step > l.step)));
    if (behind)
      throw this.staleError(`the consensus WAL holds this validator's ${kind} at height ${height} round ${round}`);
  }

  private staleError(evidence: string): FatalError {
    const l = this.last;
    return new FatalError(
      FatalExit.SignStateInvalid,
      this.statePath,
      `${evidence}, but sign_state says it signed nothing past ${l ? `height ${l.height} round ${l.round}` : "anything (no file)"}: sign_state is an old copy or was lost, and signing with it would double-sign`,
      RESTORE_ADVICE,
    );
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
    if (height < l.height)
      throw new DoubleSignRefused(
        "height",
        height,
        l.height,
        `height regression: asked ${height}, last signed ${l.height}`,
      );
    if (height > l.height) return {};
    if (round < l.round)
      throw new DoubleSignRefused(
        "round",
        height,
        l.height,
        `round regression at height ${height}: asked ${round}, last signed ${l.round}`,
      );
    if (round > l.round) return {};
    if (step < l.step)
      throw new DoubleSignRefused(
        "step",
        height,
        l.height,
        `step regression at ${height}/${round}: asked ${step}, last signed ${l.step}`,
      );
    if (step > l.step) return {};
    if (id === l.blockId) return { reuse: l };
    throw new DoubleSignRefused(
      "conflict",
      height,
      l.height,
      `conflicting ${step === STEP_PROPOSAL ? "proposal" : "vote"} at ${height}/${round}: already signed block ${l.blockId.slice(0, 12)}`,
    );
  }

  private persist(s: LastSign): void {
    writeChecked(this.statePath, "sign_state", s, lastSignFields(s));
    this.last = s;
  }

  signVote(body: VoteBodyValue): VoteValue | undefined {
    const step = body.type === VoteType.Prevote ? STEP_PREVOTE : STEP_PRECOMMIT;
    let c: { reuse?: LastSign };
    try {
      c = this.check(body.height, body.round, step, body.blockId);
    } catch (e) {
      if (e instanceof DoubleSignRefused) {
        this.onRefuse(e);
        return undefined;
      }
      throw e;
    }
    if (c.reuse) {
      const b = { ...body, timestamp: c.reuse.timestamp };
      return { body: b, signature: new Uint8Array(Buffer.from(c.reuse.signature, "hex")) };
    }
    const signature = this.key.sign(voteSignBytes(this.chainId, body));
    this.persist({
      height: body.height,
      round: body.round,
      step,
      blockId: Buffer.from(body.blockId).toString("hex"),
      timestamp: body.timestamp,
      signature: Buffer.from(signature).toString("hex"),
    });
    return { body, signature };
  }

  signProposal(body: ProposalBodyValue): ProposalValue | undefined {
    let c: { reuse?: LastSign };
    try {
      c = this.check(body.height, body.round, STEP_PROPOSAL, body.blockId);
    } catch (e) {
      if (e instanceof DoubleSignRefused) {
        this.onRefuse(e);
        return undefined;
      }
      throw e;
    }
    if (c.reuse)
      return {
        body: { ...body, timestamp: c.reuse.timestamp },
        signature: new Uint8Array(Buffer.from(c.reuse.signature, "hex")),
      };
    const signature = this.key.sign(proposalSignBytes(this.chainId, body));
    this.persist({
      height: body.height,
      round: body.round,
      step: STEP_PROPOSAL,
      blockId: Buffer.from(body.blockId).toString("hex"),
      timestamp: body.timestamp,
      signature: Buffer.from(signature).toString("hex"),
    });
    return { body, signature };
  }

  /** Persist the lock before the precommit that follows it is signed. */
  saveLock(height: number, round: number, blockId: Uint8Array, block: Uint8Array): void {
    const l: LockFile = {
      height,
      round,
      lockedRound: round,
      blockId: Buffer.from(blockId).toString("hex"),
      block: Buffer.from(block).toString("base64"),
    };
    writeChecked(this.lockPath, "the consensus lock file", l, lockFields(l));
  }

  private readLock(): LockFile | undefined {
    if (!existsSync(this.lockPath)) return undefined;
    return readChecked<LockFile>(
      this.lockPath,
      "the consensus lock file",
      (j) =>
        isUint(j.height) &&
        isUint(j.round) &&
        Number.isSafeInteger(j.lockedRound) &&
        isHex(j.blockId, 32) &&
        typeof j.block === "string",
      lockFields,
    );
  }

  /**
   * Where to resume `height` after a restart: the round after the last one we signed in (we
   * cannot re-run that round without the votes we saw in it, and signing anything else in it
   * could conflict), and the lock if any.
   */
  restoreFor(height: number): LockState | undefined {
    const l = this.last;
    if (!l || l.height !== height) return undefined;
    const j = this.readLock();
    const lock = j && j.height === height ? j : undefined;
    return {
      round: l.round + 1,
      lockedRound: lock ? lock.lockedRound : -1,
      lockedBlockId: lock ? new Uint8Array(Buffer.from(lock.blockId, "hex")) : new Uint8Array(32),
      lockedBlock: lock ? new Uint8Array(Buffer.from(lock.block, "base64")) : new Uint8Array(),
    };
  }
}
