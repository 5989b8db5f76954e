// Validator sets per height, as CometBFT's state store keeps them (state/store.go
// saveValidatorsInfo / LoadValidators): every height has a record; it holds the whole set, with
// proposer priorities, only when the set's members or powers changed at that height (or at a
// checkpoint), otherwise the height where it last changed. The set of height H (the set that
// signs block H, whose priorities name H's round-0 proposer) is then the stored set of that
// height, with the proposer step applied once per height since — the same step the live
// schedule takes (node/proposerSchedule.ts prepareNext with no changes), so the priorities are
// exactly the ones the network used, not an approximation.
import { copyIncrementProposerPriority, type Validator, type ValidatorSet } from "../consensus/validatorSet.ts";

/** What the history needs from the database: the record stored for a height. */
export interface ValidatorRecordReader {
  validatorRecord(height: number): Uint8Array | undefined;
}

/**
 * A full set is stored at least every CHECKPOINT heights, so answering a height replays at most
 * CHECKPOINT - 1 proposer steps (CometBFT: valSetCheckpointInterval, 100,000; ours is smaller
 * because a step here is a few µs per validator in JS and an RPC answer should stay cheap).
 */
export const CHECKPOINT = 1000;

const FULL = 1;
const POINTER = 0;

type FullJson = { v: [string, string, string, string][]; p: string };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytes = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

export function encodeFullRecord(set: ValidatorSet): Uint8Array {
  const j: FullJson = {
    v: set.validators.map((v) => [hex(v.address), hex(v.pubkey), v.power.toString(), v.priority.toString()]),
    p: set.proposer ? hex(set.proposer.address) : "",
  };
  const body = new TextEncoder().encode(JSON.stringify(j));
  const out = new Uint8Array(1 + body.length);
  out[0] = FULL;
  out.set(body, 1);
  return out;
}

export function encodePointerRecord(changedAt: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = POINTER;
  new DataView(out.buffer).setBigUint64(1, BigInt(changedAt));
  return out;
}

type Decoded = { kind: "full"; set: ValidatorSet } | { kind: "pointer"; changedAt: number };

function decodeRecord(r: Uint8Array): Decoded {
  if (r[0] === POINTER && r.length === 9)
    return { kind: "pointer", changedAt: Number(new DataView(r.buffer, r.byteOffset + 1, 8).getBigUint64(0)) };
  if (r[0] !== FULL) throw new Error(`validator history: unknown record tag ${r[0]}`);
  const j = JSON.parse(Buffer.from(r.subarray(1)).toString()) as FullJson;
  const validators: Validator[] = j.v.map(([a, pk, power, prio]) => ({
    address: bytes(a),
    pubkey: bytes(pk),
    power: BigInt(power),
    priority: BigInt(prio),
  }));
  const proposer = validators.find((v) => hex(v.address) === j.p);
  return { kind: "full", set: { validators, proposer, totalPower: validators.reduce((s, v) => s + v.power, 0n) } };
}

/**
 * The validator set that signs block `height`, with the proposer priorities from which that
 * height's round-0 proposer follows (CometBFT v0.38 LoadValidators). Undefined when the node
 * holds no record for the height (above the next height, or below what it retains).
 * PERF: two LevelDB reads and at most CHECKPOINT - 1 proposer steps.
 */
export function validatorSetAt(db: ValidatorRecordReader, height: number): ValidatorSet | undefined {
  if (!Number.isSafeInteger(height) || height < 1) return undefined;
  const r = db.validatorRecord(height);
  if (!r) return undefined;
  const d = decodeRecord(r);
  if (d.kind === "full") return d.set;
  const base = db.validatorRecord(d.changedAt);
  if (!base) return undefined;
  const b = decodeRecord(base);
  if (b.kind !== "full")
    throw new Error(`validator history: record of height ${d.changedAt} (named by ${height}) is not a full set`);
  let set = b.set;
  for (let h = d.changedAt; h < height; h++) set = copyIncrementProposerPriority(set, 1);
  return set;
}

/** The height whose full record the record of `height` stands on (itself when full). */
export function baseRecordOf(db: ValidatorRecordReader, height: number): number | undefined {
  return changedAt(db, height);
}

function changedAt(db: ValidatorRecordReader, height: number): number | undefined {
  const r = db.validatorRecord(height);
  if (!r) return undefined;
  const d = decodeRecord(r);
  return d.kind === "full" ? height : d.changedAt;
}

function sameMembers(a: ValidatorSet, b: ValidatorSet): boolean {
  if (a.validators.length !== b.validators.length) return false;
  return a.validators.every(
    (v, i) => hex(v.address) === hex(b.validators[i].address) && v.power === b.validators[i].power,
  );
}

/**
 * The record to store for `height`, given its set (as the schedule computed it before the block
 * of height - 1 was committed): the whole set when it changed, at a checkpoint, or when the
 * previous height has no record; otherwise a pointer to where it last changed.
 */
export function recordFor(db: ValidatorRecordReader, height: number, set: ValidatorSet): Uint8Array {
  if (height % CHECKPOINT === 0) return encodeFullRecord(set);
  const since = changedAt(db, height - 1);
  const base = since === undefined ? undefined : db.validatorRecord(since);
  const members = base ? decodeRecord(base) : undefined;
  // members and powers do not change between full records: no proposer steps needed to compare
  if (since === undefined || members?.kind !== "full" || !sameMembers(members.set, set)) return encodeFullRecord(set);
  return encodePointerRecord(since);
}
