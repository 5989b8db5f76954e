// staking keeper: shares ↔ tokens, delegation and undelegation, pools, the unbonding queue and
// the active set. Rounding always favours the protocol: shares issued and tokens returned round
// down, shares burned round up.
import { ErrorCode, StrataError } from "../../errors.ts";
import { ONE } from "../../denoms.ts";
import { moduleAddress, encodeAddress } from "../../crypto/address.ts";
import type { ExecContext } from "../../context.ts";
import type { KVReader } from "../../store/types.ts";
import type { Overlay } from "../../store/overlay.ts";
import { burn, send } from "../bank/keeper.ts";
import { event } from "../../events.ts";
import type { ValidatorEntryValue } from "../../validators.ts";
import {
  getDelegationShares,
  getParams,
  getQueue,
  getUnbonding,
  getValidator,
  getValidatorOperators,
  setDelegationShares,
  setQueue,
  setUnbonding,
  setValidator,
  getRedelegationsInto,
  setRedelegationsInto,
  getRedelegationQueue,
  setRedelegationQueue,
} from "./store.ts";
import { ValidatorStatus, type ValidatorValue } from "./types.ts";
import { sharesToBurn, sharesToIssue, tokensFromShares } from "./exchangeRate.ts";

// What other modules may read of staking: they call this keeper, never staking's storage.
export {
  consensusAddress,
  consensusKeyOf,
  getValidator,
  getValidatorOperators,
  getDelegationShares,
  getDelegatorValidators,
  getUnbonding,
  operatorByConsensusAddress,
  DELEGATION_PREFIX,
  UNBONDING_PREFIX,
} from "./store.ts";
export { getParams as getStakingParams } from "./store.ts";

export const BONDED_POOL = moduleAddress("bonded_pool");
export const NOT_BONDED_POOL = moduleAddress("not_bonded_pool");

/**
 * `q` with `item` inserted after every entry that completes no later: the queues stay in
 * completion order even when the unbonding time is shortened by params/update, so matured
 * entries are never held behind later ones. PERF: O(log n) search, O(n) copy.
 */
function inCompletionOrder<T extends { completionTime: number }>(q: readonly T[], item: T): T[] {
  let lo = 0;
  let hi = q.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (q[mid]!.completionTime <= item.completionTime) lo = mid + 1;
    else hi = mid;
  }
  return [...q.slice(0, lo), item, ...q.slice(lo)];
}

export function poolOf(v: ValidatorValue): Uint8Array {
  return v.status === ValidatorStatus.Bonded ? BONDED_POOL : NOT_BONDED_POOL;
}

export function powerOf(v: ValidatorValue): number {
  return Number(v.tokens / ONE);
}

export { tokensFromShares };

export function requireValidator(s: KVReader, operator: Uint8Array): ValidatorValue {
  const v = getValidator(s, operator);
  if (!v) throw new StrataError(ErrorCode.UnknownValidator, `no validator with operator ${encodeAddress(operator)}`);
  return v;
}

/** Moves `amount` from the delegator into the validator's pool and mints shares for it. */
export function delegate(ctx: ExecContext, delegator: Uint8Array, operator: Uint8Array, amount: bigint): bigint {
  const v = requireValidator(ctx.store, operator);
  if (v.tombstoned)
    throw new StrataError(
      ErrorCode.ValidatorTombstoned,
      `validator ${encodeAddress(operator)} is tombstoned and cannot receive delegations`,
    );
  const shares = sharesToIssue(v, amount);
  if (shares === 0n)
    throw new StrataError(ErrorCode.InvalidAmount, `amount ${amount} is too small to buy a share of this validator`);
  ctx.hooks.beforeDelegationModified(ctx, delegator, operator);
  send(ctx.store, delegator, poolOf(v), "stra", amount);
  setValidator(ctx.store, { ...v, tokens: v.tokens + amount, shares: v.shares + shares });
  setDelegationShares(ctx.store, delegator, operator, getDelegationShares(ctx.store, delegator, operator) + shares);
  ctx.hooks.afterDelegationModified(ctx, delegator, operator);
  return shares;
}

/**
 * Takes `shares` (worth `tokens`) out of `delegator`'s delegation to `v`, which holds `held`,
 * with the reward hooks around it; the caller moves or burns the tokens from the pool.
 */
function removeShares(
  ctx: ExecContext,
  delegator: Uint8Array,
  v: ValidatorValue,
  held: bigint,
  shares: bigint,
  tokens: bigint,
): void {
  const hooks = ctx.hooks;
  hooks.beforeDelegationModified(ctx, delegator, v.operator);
  setValidator(ctx.store, { ...v, tokens: v.tokens - tokens, shares: v.shares - shares });
  setDelegationShares(ctx.store, delegator, v.operator, held - shares);
  if (held - shares > 0n) hooks.afterDelegationModified(ctx, delegator, v.operator);
}

/** Burns the shares worth `amount` and starts an unbonding entry that pays out after the unbonding time. */
export function undelegate(
  ctx: ExecContext,
  delegator: Uint8Array,
  operator: Uint8Array,
  amount: bigint,
  opts: { moduleAccount?: boolean } = {},
): { completionTime: number } {
  const v = requireValidator(ctx.store, operator);
  const have = getDelegationShares(ctx.store, delegator, operator);
  if (have === 0n)
    throw new StrataError(
      ErrorCode.NoDelegation,
      `${encodeAddress(delegator)} has no delegation to ${encodeAddress(operator)}`,
    );
  const need = sharesToBurn(v, amount);
  if (need === undefined || need > have || amount > v.tokens) {
    throw new StrataError(
      ErrorCode.InsufficientShares,
      `delegation is worth ${tokensFromShares(v, have)}stra, cannot undelegate ${amount}stra`,
    );
  }
  const params = getParams(ctx.store);
  const ub = getUnbonding(ctx.store, delegator, operator);
  // module accounts (lst) batch their undelegations per epoch and are not bound by the per-pair cap
  if (!opts.moduleAccount && ub.entries.length >= params.maxEntries) {
    throw new StrataError(
      ErrorCode.TooManyUnbondingEntries,
      `already ${ub.entries.length} unbonding entries with this validator (max ${params.maxEntries}); wait for one to mature`,
    );
  }
  removeShares(ctx, delegator, v, have, need, amount);
  if (v.status === ValidatorStatus.Bonded) send(ctx.store, BONDED_POOL, NOT_BONDED_POOL, "stra", amount);
  const completionTime = ctx.time + params.unbondingTimeMs;
  setUnbonding(ctx.store, delegator, operator, {
    entries: [...ub.entries, { creationHeight: ctx.height, completionTime, initialBalance: amount, balance: amount }],
  });
  setQueue(ctx.store, inCompletionOrder(getQueue(ctx.store), { completionTime, delegator, validator: operator }));
  return { completionTime };
}

/** Pays out every unbonding entry whose completion time has passed. PERF: O(matured entries). */
export function completeUnbondings(ctx: ExecContext): void {
  const q = getQueue(ctx.store);
  let i = 0;
  while (i < q.length && q[i].completionTime <= ctx.time) {
    const { delegator, validator } = q[i];
    const ub = getUnbonding(ctx.store, delegator, validator);
    const keep = ub.entries.filter((e) => e.completionTime > ctx.time);
    for (const e of ub.entries) {
      if (e.completionTime > ctx.time || e.balance === 0n) continue;
      send(ctx.store, NOT_BONDED_POOL, delegator, "stra", e.balance);
      ctx.events.push(
        event("complete_unbonding", {
          delegator: encodeAddress(delegator),
          validator: encodeAddress(validator),
          amount: `${e.balance}stra`,
        }),
      );
    }
    setUnbonding(ctx.store, delegator, validator, { entries: keep });
    i++;
  }
  if (i > 0) setQueue(ctx.store, q.slice(i));
}

/**
 * The active set: validators not jailed with power ≥ 1, top maxValidators by tokens (ties by
 * operator address). Validators entering or leaving it move their tokens between the pools.
 * PERF: O(v log v) over all validators, once per block.
 */
export function updateActiveSet(ctx: ExecContext): ValidatorEntryValue[] {
  const params = getParams(ctx.store);
  const all = getValidatorOperators(ctx.store).map((op) => getValidator(ctx.store, op)!);
  const eligible = all.filter((v) => !v.jailed && powerOf(v) >= 1);
  eligible.sort((a, b) =>
    a.tokens === b.tokens ? Buffer.compare(a.operator, b.operator) : a.tokens > b.tokens ? -1 : 1,
  );
  const active = new Set(eligible.slice(0, params.maxValidators).map((v) => Buffer.from(v.operator).toString("hex")));
  for (const v of all) {
    const want = active.has(Buffer.from(v.operator).toString("hex"))
      ? ValidatorStatus.Bonded
      : ValidatorStatus.Unbonded;
    if (v.status === want) continue;
    const from = poolOf(v);
    const moved = { ...v, status: want };
    if (v.tokens > 0n) send(ctx.store as Overlay, from, poolOf(moved), "stra", v.tokens);
    setValidator(ctx.store, moved);
  }
  return eligible
    .slice(0, params.maxValidators)
    .map((v) => ({ pubkey: v.consensusPubkey, power: powerOf(v), moniker: v.moniker }));
}

/**
 * Cuts a validator's tokens by `fraction` (18-decimal) and the unbonding entries that began at
 * or after the infraction height, burning the stra. Rounds the cut up (in the protocol's favour
 * against the offender). Returns the amount burned.
 */
export function slash(ctx: ExecContext, operator: Uint8Array, fraction: bigint, infractionHeight: number): bigint {
  const v = requireValidator(ctx.store, operator);
  ctx.hooks.beforeValidatorSlashed(ctx, operator, fraction);
  const cut = (v.tokens * fraction + ONE - 1n) / ONE;
  let burned = 0n;
  if (cut > 0n) {
    burn(ctx.store, poolOf(v), "stra", cut);
    setValidator(ctx.store, { ...v, tokens: v.tokens - cut });
    burned += cut;
  }
  // unbondings that started after the infraction still answer for it
  const seen = new Set<string>();
  for (const q of getQueue(ctx.store)) {
    if (Buffer.compare(q.validator, operator) !== 0) continue;
    // one record holds every entry of the pair; the queue has an item per entry
    const pair = Buffer.from(q.delegator).toString("hex");
    if (seen.has(pair)) continue;
    seen.add(pair);
    const ub = getUnbonding(ctx.store, q.delegator, operator);
    let changed = false;
    const entries = ub.entries.map((e) => {
      // begun before the infraction, or matured (paid at the end of this block): not liable
      if (e.creationHeight < infractionHeight || e.balance === 0n || e.completionTime <= ctx.time) return e;
      const c = (e.initialBalance * fraction + ONE - 1n) / ONE;
      const take = c > e.balance ? e.balance : c;
      burned += take;
      burn(ctx.store, NOT_BONDED_POOL, "stra", take);
      changed = true;
      ctx.hooks.afterUnbondingSlashed(ctx, q.delegator, e.creationHeight, take);
      return { ...e, balance: e.balance - take };
    });
    if (changed) setUnbonding(ctx.store, q.delegator, operator, { entries });
  }
  burned += slashRedelegations(ctx, operator, fraction, infractionHeight);
  ctx.events.push(
    event("slash", { validator: encodeAddress(operator), fraction: fraction.toString(), burned: `${burned}stra` }),
  );
  return burned;
}

/**
 * Stake redelegated away from `operator` at or after the infraction height still answers for it
 * (Cosmos' SlashRedelegation): each such immature entry loses `fraction` of its initial balance,
 * taken as destination shares (never more than the entry bought or the delegator still holds)
 * and burned from the destination's pool. PERF: O(immature redelegations) reads.
 */
function slashRedelegations(
  ctx: ExecContext,
  operator: Uint8Array,
  fraction: bigint,
  infractionHeight: number,
): bigint {
  let burned = 0n;
  const seen = new Set<string>();
  for (const q of getRedelegationQueue(ctx.store)) {
    if (q.completionTime <= ctx.time || Buffer.compare(q.from, operator) !== 0) continue;
    const pair = Buffer.concat([q.delegator, q.to]).toString("hex");
    if (seen.has(pair)) continue; // one record holds every entry of this (delegator, destination)
    seen.add(pair);
    const list = getRedelegationsInto(ctx.store, q.delegator, q.to);
    let changed = false;
    const entries = list.map((e) => {
      if (
        Buffer.compare(e.from, operator) !== 0 ||
        e.creationHeight < infractionHeight ||
        e.completionTime <= ctx.time ||
        e.sharesDst === 0n
      )
        return e;
      const dst = getValidator(ctx.store, q.to);
      if (!dst || dst.tokens === 0n || dst.shares === 0n) return e;
      const owed = (e.initialBalance * fraction + ONE - 1n) / ONE;
      const held = getDelegationShares(ctx.store, q.delegator, q.to);
      let shares = (owed * dst.shares + dst.tokens - 1n) / dst.tokens; // round up: against the offender
      if (shares > e.sharesDst) shares = e.sharesDst;
      if (shares > held) shares = held;
      if (shares === 0n) return e;
      const tokens = (shares * dst.tokens) / dst.shares;
      removeShares(ctx, q.delegator, dst, held, shares, tokens);
      if (tokens > 0n) burn(ctx.store, poolOf(dst), "stra", tokens);
      burned += tokens;
      changed = true;
      ctx.events.push(
        event("slash_redelegation", {
          delegator: encodeAddress(q.delegator),
          from: encodeAddress(operator),
          to: encodeAddress(q.to),
          burned: `${tokens}stra`,
        }),
      );
      return { ...e, sharesDst: e.sharesDst - shares };
    });
    if (changed) setRedelegationsInto(ctx.store, q.delegator, q.to, entries);
  }
  return burned;
}

/** Forgets redelegations whose unbonding time has passed. PERF: O(matured entries). */
export function completeRedelegations(ctx: ExecContext): void {
  const q = getRedelegationQueue(ctx.store);
  let i = 0;
  while (i < q.length && q[i].completionTime <= ctx.time) {
    const { delegator, to } = q[i];
    setRedelegationsInto(
      ctx.store,
      delegator,
      to,
      getRedelegationsInto(ctx.store, delegator, to).filter((e) => e.completionTime > ctx.time),
    );
    i++;
  }
  if (i > 0) setRedelegationQueue(ctx.store, q.slice(i));
}

/** Lifts a validator's jail (slashing/unjail decided it may return to the candidates). */
export function unjailValidator(ctx: ExecContext, operator: Uint8Array): void {
  setValidator(ctx.store, { ...requireValidator(ctx.store, operator), jailed: false });
}

export function jail(ctx: ExecContext, operator: Uint8Array, until: number, tombstone = false): void {
  const v = requireValidator(ctx.store, operator);
  setValidator(ctx.store, {
    ...v,
    jailed: true,
    jailedUntil: Math.max(v.jailedUntil, until),
    tombstoned: v.tombstoned || tombstone,
  });
  // a tombstone jails for good (until = MAX_SAFE_INTEGER, past what a Date can print)
  const forever = until > 8.64e15;
  ctx.events.push(
    event("jail", {
      validator: encodeAddress(operator),
      until: forever ? "forever" : new Date(until).toISOString(),
      tombstoned: String(v.tombstoned || tombstone),
    }),
  );
}

/**
 * Moves `amount` of stake from one validator to another without unbonding. Refused while the
 * delegator has an immature redelegation into `from` (no transitive hops: a stake must not
 * escape a slash by hopping on before the first move matures).
 */
export function redelegate(
  ctx: ExecContext,
  delegator: Uint8Array,
  from: Uint8Array,
  to: Uint8Array,
  amount: bigint,
): { completionTime: number } {
  const src = requireValidator(ctx.store, from);
  const dst = requireValidator(ctx.store, to);
  if (dst.tombstoned)
    throw new StrataError(
      ErrorCode.ValidatorTombstoned,
      `validator ${encodeAddress(to)} is tombstoned and cannot receive delegations`,
    );
  const hops = getRedelegationsInto(ctx.store, delegator, from).filter((r) => r.completionTime > ctx.time);
  if (hops.length > 0) {
    throw new StrataError(
      ErrorCode.TransitiveRedelegation,
      `stake redelegated into ${encodeAddress(from)} cannot move again until ${new Date(hops[0].completionTime).toISOString()}`,
    );
  }
  const have = getDelegationShares(ctx.store, delegator, from);
  if (have === 0n)
    throw new StrataError(
      ErrorCode.NoDelegation,
      `${encodeAddress(delegator)} has no delegation to ${encodeAddress(from)}`,
    );
  const need = sharesToBurn(src, amount);
  if (need === undefined || need > have || amount > src.tokens)
    throw new StrataError(
      ErrorCode.InsufficientShares,
      `delegation is worth ${tokensFromShares(src, have)}stra, cannot redelegate ${amount}stra`,
    );
  const params = getParams(ctx.store);
  const existing = getRedelegationsInto(ctx.store, delegator, to).filter((r) => r.completionTime > ctx.time);
  if (existing.length >= params.maxEntries)
    throw new StrataError(
      ErrorCode.TooManyUnbondingEntries,
      `already ${existing.length} immature redelegations into this validator (max ${params.maxEntries})`,
    );
  const shares = sharesToIssue(dst, amount);
  if (shares === 0n)
    throw new StrataError(
      ErrorCode.InvalidAmount,
      `amount ${amount} is too small to buy a share of ${encodeAddress(to)}`,
    );
  removeShares(ctx, delegator, src, have, need, amount);
  const hooks = ctx.hooks;
  hooks.beforeDelegationModified(ctx, delegator, to);
  const dst2 = getValidator(ctx.store, to)!;
  if (poolOf(src) !== poolOf(dst2)) send(ctx.store, poolOf(src), poolOf(dst2), "stra", amount);
  setValidator(ctx.store, { ...dst2, tokens: dst2.tokens + amount, shares: dst2.shares + shares });
  setDelegationShares(ctx.store, delegator, to, getDelegationShares(ctx.store, delegator, to) + shares);
  hooks.afterDelegationModified(ctx, delegator, to);
  const completionTime = ctx.time + params.unbondingTimeMs;
  setRedelegationsInto(ctx.store, delegator, to, [
    ...existing,
    { completionTime, from, creationHeight: ctx.height, initialBalance: amount, sharesDst: shares },
  ]);
  setRedelegationQueue(
    ctx.store,
    inCompletionOrder(getRedelegationQueue(ctx.store), { completionTime, delegator, from, to }),
  );
  return { completionTime };
}
