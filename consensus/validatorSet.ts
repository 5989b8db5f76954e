// Weighted round-robin proposer selection, exactly as CometBFT's types/validator_set.go (v0.38):
// priorities grow by voting power each step, the highest proposes and pays the total power,
// priorities are kept within a window of 2 × total power (RescalePriorities) and centred on their
// average (shiftByAvgProposerPriority), ties go to the lowest address, and a validator that joins
// starts at −1.125 × total power so that leaving and re-joining cannot reset a debt.
// Int64 semantics are reproduced with bigint: clipping adds/subs, Go's truncating division for
// rescaling, and big.Int's Euclidean (floor, for n > 0) division for the average.
export type Validator = { address: Uint8Array; pubkey: Uint8Array; power: bigint; priority: bigint };
export type ValidatorSet = { validators: Validator[]; proposer: Validator | undefined; totalPower: bigint };
export type ValidatorChange = { address: Uint8Array; pubkey: Uint8Array; power: bigint };

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
export const MAX_TOTAL_VOTING_POWER = MAX_INT64 / 8n;
export const PRIORITY_WINDOW_SIZE_FACTOR = 2n;

export function safeAddClip(a: bigint, b: bigint): bigint {
  const c = a + b;
  return c > MAX_INT64 ? MAX_INT64 : c < MIN_INT64 ? MIN_INT64 : c;
}
export function safeSubClip(a: bigint, b: bigint): bigint {
  const c = a - b;
  return c > MAX_INT64 ? MAX_INT64 : c < MIN_INT64 ? MIN_INT64 : c;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

function copyVal(v: Validator): Validator {
  return { address: v.address, pubkey: v.pubkey, power: v.power, priority: v.priority };
}

export function copySet(s: ValidatorSet): ValidatorSet {
  const validators = s.validators.map(copyVal);
  const proposer = s.proposer ? validators.find((v) => compareBytes(v.address, s.proposer!.address) === 0) : undefined;
  return { validators, proposer, totalPower: s.totalPower };
}

function sumPower(vals: readonly Validator[]): bigint {
  let t = 0n;
  for (const v of vals) {
    t = safeAddClip(t, v.power);
    if (t > MAX_TOTAL_VOTING_POWER) throw new Error(`total voting power cannot exceed ${MAX_TOTAL_VOTING_POWER}`);
  }
  return t;
}

/** The higher priority, ties to the lower address (CometBFT CompareProposerPriority). */
function morePriority(a: Validator | undefined, b: Validator): Validator {
  if (!a) return b;
  if (a.priority > b.priority) return a;
  if (a.priority < b.priority) return b;
  const c = compareBytes(a.address, b.address);
  if (c < 0) return a;
  if (c > 0) return b;
  throw new Error("cannot compare identical validators");
}

export function computeMaxMinPriorityDiff(vals: readonly Validator[]): bigint {
  if (vals.length === 0) throw new Error("empty validator set");
  let max = MIN_INT64;
  let min = MAX_INT64;
  for (const v of vals) {
    if (v.priority < min) min = v.priority;
    if (v.priority > max) max = v.priority;
  }
  const diff = max - min;
  return diff < 0n ? -diff : diff;
}

/** floor(sum / n), as big.Int.Div does for a positive divisor. */
export function computeAvgProposerPriority(vals: readonly Validator[]): bigint {
  const n = BigInt(vals.length);
  let sum = 0n;
  for (const v of vals) sum += v.priority;
  let q = sum / n;
  if (sum % n !== 0n && sum < 0n) q -= 1n;
  return q;
}

/** Mutates: divides all priorities by ceil(diff / diffMax) when their spread exceeds diffMax. */
export function rescalePriorities(vals: Validator[], diffMax: bigint): void {
  if (vals.length === 0) throw new Error("empty validator set");
  if (diffMax <= 0n) return;
  const diff = computeMaxMinPriorityDiff(vals);
  const ratio = (diff + diffMax - 1n) / diffMax;
  if (diff > diffMax) for (const v of vals) v.priority = v.priority / ratio; // Go: truncates toward zero
}

function shiftByAvgProposerPriority(vals: Validator[]): void {
  if (vals.length === 0) throw new Error("empty validator set");
  const avg = computeAvgProposerPriority(vals);
  for (const v of vals) v.priority = safeSubClip(v.priority, avg);
}

function incrementOnce(s: ValidatorSet): Validator {
  for (const v of s.validators) v.priority = safeAddClip(v.priority, v.power);
  let most: Validator | undefined;
  for (const v of s.validators) most = morePriority(most, v);
  most!.priority = safeSubClip(most!.priority, s.totalPower);
  return most!;
}

/** Mutates `s`: rescale, centre, then `times` proposer steps (IncrementProposerPriority). */
export function incrementProposerPriority(s: ValidatorSet, times: number): void {
  if (s.validators.length === 0) throw new Error("empty validator set");
  if (!Number.isInteger(times) || times <= 0)
    throw new Error("cannot call incrementProposerPriority with non-positive times");
  rescalePriorities(s.validators, PRIORITY_WINDOW_SIZE_FACTOR * s.totalPower);
  shiftByAvgProposerPriority(s.validators);
  let proposer: Validator | undefined;
  for (let i = 0; i < times; i++) proposer = incrementOnce(s);
  s.proposer = proposer;
}

export function copyIncrementProposerPriority(s: ValidatorSet, times: number): ValidatorSet {
  const c = copySet(s);
  incrementProposerPriority(c, times);
  return c;
}

/** Proposer of the current state (GetProposer): computed if no step has chosen one yet. */
export function getProposer(s: ValidatorSet): Validator | undefined {
  if (s.validators.length === 0) return undefined;
  if (!s.proposer) {
    let most: Validator | undefined;
    for (const v of s.validators) most = morePriority(most, v);
    s.proposer = most;
  }
  return s.proposer;
}

export function getByAddress(
  s: ValidatorSet,
  address: Uint8Array,
): { index: number; validator: Validator } | undefined {
  const index = s.validators.findIndex((v) => compareBytes(v.address, address) === 0);
  return index < 0 ? undefined : { index, validator: s.validators[index] };
}

/** By voting power descending, then address ascending (ValidatorsByVotingPower). */
function sortByPower(vals: Validator[]): void {
  vals.sort((a, b) => (a.power === b.power ? compareBytes(a.address, b.address) : a.power > b.power ? -1 : 1));
}

/**
 * Applies validator updates (power 0 removes) as CometBFT's updateWithChangeSet: checks for
 * duplicates, negative or excessive powers, unknown removals and an empty result; new validators
 * enter at −1.125 × the total power after updates; then rescale, centre and sort.
 * Returns a new set; `s` is not modified.
 */
export function updateWithChangeSet(
  s: ValidatorSet,
  changes: readonly ValidatorChange[],
  allowDeletes = true,
): ValidatorSet {
  if (changes.length === 0) return copySet(s);
  const sorted = [...changes].sort((a, b) => compareBytes(a.address, b.address));
  const updates: ValidatorChange[] = [];
  const deletes: ValidatorChange[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i];
    if (i > 0 && compareBytes(sorted[i - 1].address, c.address) === 0)
      throw new Error(`duplicate entry ${Buffer.from(c.address).toString("hex")} in changes`);
    if (c.power < 0n) throw new Error(`voting power can't be negative: ${c.power}`);
    if (c.power > MAX_TOTAL_VOTING_POWER)
      throw new Error(`to prevent clipping/overflow, voting power can't be higher than ${MAX_TOTAL_VOTING_POWER}`);
    (c.power === 0n ? deletes : updates).push(c);
  }
  if (!allowDeletes && deletes.length) throw new Error("cannot process validators with voting power 0");
  const existing = (a: Uint8Array) => getByAddress(s, a)?.validator;
  const numNew = updates.filter((u) => !existing(u.address)).length;
  if (numNew === 0 && s.validators.length === deletes.length)
    throw new Error("applying the validator changes would result in empty set");
  let removed = 0n;
  for (const d of deletes) {
    const v = existing(d.address);
    if (!v) throw new Error(`failed to find validator ${Buffer.from(d.address).toString("hex")} to remove`);
    removed += v.power;
  }
  if (deletes.length > s.validators.length) throw new Error("more deletes than validators");
  // verifyUpdates: apply deltas smallest first so an intermediate sum never overflows
  const delta = (u: ValidatorChange) => u.power - (existing(u.address)?.power ?? 0n);
  let tvp = s.totalPower - removed;
  for (const u of [...updates].sort((a, b) => (delta(a) < delta(b) ? -1 : delta(a) > delta(b) ? 1 : 0))) {
    tvp += delta(u);
    if (tvp > MAX_TOTAL_VOTING_POWER)
      throw new Error(`total voting power of resulting valset exceeds max ${MAX_TOTAL_VOTING_POWER}`);
  }
  const tvpAfterUpdatesBeforeRemovals = tvp + removed;
  const byAddr = new Map(s.validators.map((v) => [Buffer.from(v.address).toString("hex"), copyVal(v)]));
  for (const u of updates) {
    const k = Buffer.from(u.address).toString("hex");
    const old = byAddr.get(k);
    const priority = old ? old.priority : -(tvpAfterUpdatesBeforeRemovals + (tvpAfterUpdatesBeforeRemovals >> 3n));
    byAddr.set(k, { address: u.address, pubkey: u.pubkey, power: u.power, priority });
  }
  for (const d of deletes) byAddr.delete(Buffer.from(d.address).toString("hex"));
  const validators = [...byAddr.values()];
  const next: ValidatorSet = { validators, proposer: undefined, totalPower: sumPower(validators) };
  rescalePriorities(next.validators, PRIORITY_WINDOW_SIZE_FACTOR * next.totalPower);
  shiftByAvgProposerPriority(next.validators);
  sortByPower(next.validators);
  if (s.proposer) next.proposer = next.validators.find((v) => compareBytes(v.address, s.proposer!.address) === 0);
  return next;
}

/** NewValidatorSet: the changes applied to an empty set, then one proposer step. */
export function newValidatorSet(vals: readonly ValidatorChange[]): ValidatorSet {
  const empty: ValidatorSet = { validators: [], proposer: undefined, totalPower: 0n };
  if (vals.length === 0) return empty;
  const s = updateWithChangeSet(empty, vals, false);
  incrementProposerPriority(s, 1);
  return s;
}
