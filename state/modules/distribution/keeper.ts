// distribution keeper: F1 fee distribution (Ojha 2019, Cosmos x/distribution). Each validator
// has reward periods; a period's end records the cumulative reward per token. A delegation
// remembers the period it started in and its stake, so its rewards are stake × (ratio now −
// ratio then): no loop over delegators per block. Rounding down everywhere; the dust stays in
// the distribution account (never paid) or goes to the community pool.
import { YEAR_MS } from "../../timestamp.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { moduleAddress, encodeAddress } from "../../crypto/address.ts";
import type { ExecContext } from "../../context.ts";
import type { KVReader } from "../../store/types.ts";
import { event } from "../../events.ts";
import { getBalance, getSupply, mint, send } from "../bank/keeper.ts";
import { FEE_COLLECTOR } from "../../moduleAccounts.ts";
import { getDelegationShares, getValidator, operatorByConsensusAddress } from "../staking/keeper.ts";
import { tokensFromShares } from "../staking/keeper.ts";
import type { ValidatorEntryValue } from "../../validators.ts";
import { addressFromPubkey } from "../../crypto/address.ts";
import {
  addSlashEvent,
  getCommission,
  getCurrent,
  getHistorical,
  getHistoricalRecord,
  getOutstanding,
  getParams,
  getSlashEvents,
  getStarting,
  setCommission,
  setCurrent,
  setHistoricalRecord,
  setOutstanding,
  setStarting,
} from "./store.ts";

export const DISTRIBUTION = moduleAddress("distribution");
export const COMMUNITY_POOL = moduleAddress("community_pool");
/** reward-per-token ratios carry 27 decimals so small per-block rewards are not lost to rounding */
export const RATIO_SCALE = 10n ** 27n;
const ONE = 10n ** 18n;

/** One more reader of period `period`'s record. */
function retain(ctx: ExecContext, operator: Uint8Array, period: number): void {
  const r = getHistoricalRecord(ctx.store, operator, period);
  if (!r) throw new Error(`F1: no historical rewards for period ${period} to retain`);
  setHistoricalRecord(ctx.store, operator, period, { ...r, refs: r.refs + 1 });
}

/** One reader fewer; the last one deletes the record. */
function release(ctx: ExecContext, operator: Uint8Array, period: number): void {
  const r = getHistoricalRecord(ctx.store, operator, period);
  if (!r || r.refs === 0) throw new Error(`F1: no referenced historical rewards for period ${period} to release`);
  setHistoricalRecord(ctx.store, operator, period, r.refs === 1 ? undefined : { ...r, refs: r.refs - 1 });
}

export function initializeValidator(ctx: ExecContext, operator: Uint8Array): void {
  setHistoricalRecord(ctx.store, operator, 0, { ratio: 0n, refs: 1 }); // read by current period 1
  setCurrent(ctx.store, operator, { period: 1, rewards: 0n });
  setCommission(ctx.store, operator, 0n);
  setOutstanding(ctx.store, operator, 0n);
}

/** Closes the validator's current period; returns the period just closed. */
export function incrementPeriod(ctx: ExecContext, operator: Uint8Array): number {
  const v = getValidator(ctx.store, operator)!;
  const cur = getCurrent(ctx.store, operator) ?? { period: 1, rewards: 0n };
  const add = v.tokens === 0n ? 0n : (cur.rewards * RATIO_SCALE) / v.tokens;
  setHistoricalRecord(ctx.store, operator, cur.period, {
    ratio: getHistorical(ctx.store, operator, cur.period - 1) + add,
    refs: 1,
  });
  release(ctx, operator, cur.period - 1); // the new current period reads the one just closed instead
  setCurrent(ctx.store, operator, { period: cur.period + 1, rewards: 0n });
  return cur.period;
}

/**
 * stake × (ratio[end] − ratio[start]), walking through the validator's slashes in between: after
 * each, the stake that earns is cut by the slash fraction (Cosmos' calculateDelegationRewards).
 * PERF: O(slashes of this validator in the range).
 */
function rewardsBetween(
  s: KVReader,
  operator: Uint8Array,
  start: number,
  end: number,
  stake: bigint,
  endRatio?: bigint,
): bigint {
  let total = 0n;
  let from = start;
  let st = stake;
  for (const e of getSlashEvents(s, operator)) {
    if (e.period <= start || e.period > end) continue;
    total += (st * (getHistorical(s, operator, e.period) - getHistorical(s, operator, from))) / RATIO_SCALE;
    st = (st * (ONE - e.fraction)) / ONE;
    from = e.period;
  }
  const last = endRatio ?? getHistorical(s, operator, end);
  return total + (st * (last - getHistorical(s, operator, from))) / RATIO_SCALE;
}

/** Before a slash: close the period at the old tokens and record the cut for F1. */
export function beforeValidatorSlashed(ctx: ExecContext, operator: Uint8Array, fraction: bigint): void {
  const period = incrementPeriod(ctx, operator);
  retain(ctx, operator, period); // rewardsBetween reads it for every delegation spanning the slash
  addSlashEvent(ctx.store, operator, { period, fraction });
}

/** Pays a delegation its rewards up to now and clears its starting info. Returns the amount. */
export function settleDelegation(ctx: ExecContext, delegator: Uint8Array, operator: Uint8Array): bigint {
  const start = getStarting(ctx.store, delegator, operator);
  const ended = incrementPeriod(ctx, operator);
  if (!start) return 0n;
  const amount = rewardsBetween(ctx.store, operator, start.previousPeriod, ended, start.stake);
  setStarting(ctx.store, delegator, operator, undefined);
  release(ctx, operator, start.previousPeriod);
  if (amount > 0n) {
    setOutstanding(ctx.store, operator, getOutstanding(ctx.store, operator) - amount);
    send(ctx.store, DISTRIBUTION, delegator, "stra", amount);
    ctx.events.push(
      event("withdraw_rewards", {
        delegator: encodeAddress(delegator),
        validator: encodeAddress(operator),
        amount: `${amount}stra`,
      }),
    );
  }
  return amount;
}

/** Starts a delegation's next reward period at its current stake. */
export function initializeDelegation(ctx: ExecContext, delegator: Uint8Array, operator: Uint8Array): void {
  const v = getValidator(ctx.store, operator)!;
  const cur = getCurrent(ctx.store, operator)!;
  const stake = tokensFromShares(v, getDelegationShares(ctx.store, delegator, operator));
  setStarting(ctx.store, delegator, operator, { previousPeriod: cur.period - 1, stake });
  retain(ctx, operator, cur.period - 1);
}

/** What a delegation would receive if it withdrew now (query; no writes). */
export function pendingRewards(s: KVReader, delegator: Uint8Array, operator: Uint8Array): bigint {
  const start = getStarting(s, delegator, operator);
  const v = getValidator(s, operator);
  const cur = getCurrent(s, operator);
  if (!start || !v || !cur) return 0n;
  const ratioNow =
    getHistorical(s, operator, cur.period - 1) + (v.tokens === 0n ? 0n : (cur.rewards * RATIO_SCALE) / v.tokens);
  return rewardsBetween(s, operator, start.previousPeriod, cur.period - 1, start.stake, ratioNow);
}

export function withdrawCommission(ctx: ExecContext, operator: Uint8Array): bigint {
  if (!getValidator(ctx.store, operator))
    throw new StrataError(ErrorCode.NotValidatorOperator, `${encodeAddress(operator)} does not operate a validator`);
  const c = getCommission(ctx.store, operator);
  if (c > 0n) {
    setCommission(ctx.store, operator, 0n);
    setOutstanding(ctx.store, operator, getOutstanding(ctx.store, operator) - c);
    send(ctx.store, DISTRIBUTION, operator, "stra", c);
  }
  ctx.events.push(event("withdraw_commission", { validator: encodeAddress(operator), amount: `${c}stra` }));
  return c;
}

/**
 * Begin block: mint inflation for the time since the last block, collect the previous block's
 * fees, take the community tax, and split the rest among the validators that signed the last
 * commit, pro rata to their power; each takes its commission, the rest goes to its period.
 * PERF: O(signers), independent of the number of delegators.
 */
export function allocateRewards(
  ctx: ExecContext,
  lastValidators: readonly ValidatorEntryValue[],
  signers: readonly Uint8Array[],
  lastBlockTime: number,
): void {
  const p = getParams(ctx.store);
  const dt = BigInt(Math.max(0, ctx.time - lastBlockTime));
  const minted = (getSupply(ctx.store, "stra") * p.inflationRate * dt) / (ONE * YEAR_MS);
  if (minted > 0n) mint(ctx.store, DISTRIBUTION, "stra", minted);
  const fees = getBalance(ctx.store, FEE_COLLECTOR, "stra");
  if (fees > 0n) send(ctx.store, FEE_COLLECTOR, DISTRIBUTION, "stra", fees);
  const total = minted + fees;
  if (total === 0n) return;
  const signed = new Set(signers.map((a) => Buffer.from(a).toString("hex")));
  const paid = lastValidators
    .map((v) => ({ consAddr: addressFromPubkey(v.pubkey), power: BigInt(v.power) }))
    .filter((v) => signed.has(Buffer.from(v.consAddr).toString("hex")))
    .map((v) => ({ ...v, operator: operatorByConsensusAddress(ctx.store, v.consAddr) }))
    .filter(
      (v): v is typeof v & { operator: Uint8Array } =>
        v.operator !== undefined && getValidator(ctx.store, v.operator) !== undefined,
    );
  const signedPower = paid.reduce((a, v) => a + v.power, 0n);
  const tax = (total * p.communityTax) / ONE;
  const forValidators = signedPower === 0n ? 0n : total - tax;
  let distributed = 0n;
  for (const v of paid) {
    const reward = (forValidators * v.power) / signedPower;
    if (reward === 0n) continue;
    const val = getValidator(ctx.store, v.operator)!;
    const commission = (reward * val.commissionRate) / ONE;
    const cur = getCurrent(ctx.store, v.operator)!;
    setCurrent(ctx.store, v.operator, { period: cur.period, rewards: cur.rewards + (reward - commission) });
    setCommission(ctx.store, v.operator, getCommission(ctx.store, v.operator) + commission);
    setOutstanding(ctx.store, v.operator, getOutstanding(ctx.store, v.operator) + reward);
    distributed += reward;
  }
  // tax plus rounding dust (and everything, if nobody eligible signed) to the community pool
  send(ctx.store, DISTRIBUTION, COMMUNITY_POOL, "stra", total - distributed);
}
