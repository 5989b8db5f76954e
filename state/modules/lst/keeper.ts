// lst keeper: the liquid staking pool. Users' stra is delegated by the `lst` module account;
// `ststra` is a claim on a share of the pool. rate = pooled stra / ststra supply (1.0 at start).
// Mint and redeem round down for the user; redemption uses min(rate now, last epoch's rate) so
// a rate pushed up inside an epoch pays no one (Stride). A withdrawal bears the pool's slashes
// pro rata until it is paid: its ststra stays in escrow until the epoch ends and is then valued
// at min(promised, escrow × rate then) (Lido's finalization), and a batch cut while unbonding
// pays each of its claims the same fraction.
import type { ExecContext } from "../../context.ts";
import type { KVReader } from "../../store/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { moduleAddress, encodeAddress } from "../../crypto/address.ts";
import { event } from "../../events.ts";
import { burn, getBalance, getSupply, mint, send } from "../bank/keeper.ts";
import { delegate, redelegate, tokensFromShares, undelegate } from "../staking/keeper.ts";
import { getDelegationShares, getParams as getStakingParams, getValidator, getValidatorOperators } from "../staking/store.ts";
import { ValidatorStatus, type ValidatorValue } from "../staking/types.ts";
import { initializeDelegation, settleDelegation } from "../distribution/keeper.ts";
import { getOwnerRequests, getParams, getRequest, getState, setRequest, setState, type LstStateValue } from "./store.ts";

export const LST = moduleAddress("lst");
const E18 = 10n ** 18n;

/** Validators the pool delegates to: bonded, not jailed, not tombstoned, in operator order. */
function targets(s: KVReader): ValidatorValue[] {
  return getValidatorOperators(s)
    .map((op) => getValidator(s, op)!)
    .filter((v) => v.status === ValidatorStatus.Bonded && !v.jailed && !v.tombstoned)
    .sort((a, b) => Buffer.compare(a.operator, b.operator));
}

function stakeAt(s: KVReader, v: ValidatorValue, roundUp = false): bigint {
  const shares = getDelegationShares(s, LST, v.operator);
  if (!roundUp || v.shares === 0n) return tokensFromShares(v, shares);
  return (shares * v.tokens + v.shares - 1n) / v.shares;
}

/**
 * Value of the pool's delegations, minus what unstakers already own (queued for this epoch).
 * Rounded down for redemption; `roundUp` for minting, so that both directions favour the pool
 * (minting against an over-estimate gives fewer ststra; redeeming against an under-estimate
 * pays less stra).
 */
export function pooledStake(s: KVReader, roundUp = false): bigint {
  let total = 0n;
  for (const op of getValidatorOperators(s)) total += stakeAt(s, getValidator(s, op)!, roundUp);
  const p = total - getState(s).pendingUnbond;
  return p > 0n ? p : 0n;
}

/** 18-decimal redemption rate, rounded down. */
export function redemptionRate(s: KVReader): bigint {
  const supply = getSupply(s, "ststra");
  return supply === 0n ? E18 : (pooledStake(s) * E18) / supply;
}

function lastEpochRate(st: LstStateValue): bigint {
  return st.history.length ? st.history[st.history.length - 1].rate : E18;
}

/**
 * Delegates `amount` of the module's stra equally over the targets, skipping validators that
 * already hold more than `maxValidatorShare` of the pool (unless all do).
 */
function delegateByWeights(ctx: ExecContext, amount: bigint): void {
  if (amount <= 0n) return;
  let ts = targets(ctx.store);
  if (ts.length === 0) throw new StrataError(ErrorCode.NoActiveValidators, "no active validator to delegate to");
  const cap = getParams(ctx.store).maxValidatorShare;
  const pooled = pooledStake(ctx.store) + amount;
  const under = ts.filter((v) => stakeAt(ctx.store, v) * E18 < cap * pooled);
  if (under.length) ts = under;
  const per = amount / BigInt(ts.length);
  let rest = amount - per * BigInt(ts.length);
  for (const v of ts) {
    const part = per + rest;
    rest = 0n;
    if (part > 0n) delegate(ctx, LST, v.operator, part);
  }
}

export function stake(ctx: ExecContext, user: Uint8Array, amount: bigint): bigint {
  const st = getState(ctx.store);
  if (st.halted) throw new StrataError(ErrorCode.LstHalted, "liquid staking is halted by the circuit breaker until the authority resumes it");
  const supply = getSupply(ctx.store, "ststra");
  const pooled = pooledStake(ctx.store, true);
  const minted = supply === 0n || pooled === 0n ? amount : (amount * supply) / pooled;
  if (minted === 0n) throw new StrataError(ErrorCode.InvalidAmount, `${amount}stra is too little to mint any ststra at the current rate`);
  send(ctx.store, user, LST, "stra", amount);
  delegateByWeights(ctx, amount);
  mint(ctx.store, user, "ststra", minted);
  ctx.events.push(event("lst_stake", { staker: encodeAddress(user), amount: `${amount}stra`, minted: `${minted}ststra` }));
  return minted;
}

export function unstake(ctx: ExecContext, user: Uint8Array, amount: bigint): { id: number; value: bigint } {
  const st = getState(ctx.store);
  if (st.halted) throw new StrataError(ErrorCode.LstHalted, "liquid staking is halted by the circuit breaker until the authority resumes it");
  const now = redemptionRate(ctx.store);
  const rate = now < lastEpochRate(st) ? now : lastEpochRate(st);
  const value = (amount * rate) / E18;
  if (value === 0n) throw new StrataError(ErrorCode.InvalidAmount, `${amount}ststra is worth less than 1 base unit of stra`);
  send(ctx.store, user, LST, "ststra", amount); // escrow until the epoch ends
  const id = st.nextRequestId;
  setState(ctx.store, { ...st, nextRequestId: id + 1 });
  setRequest(ctx.store, { id, owner: user, amount: value, shares: amount, epoch: st.epoch, requestedAt: ctx.time, claimed: false });
  ctx.events.push(event("lst_unstake", { owner: encodeAddress(user), burned: `${amount}ststra`, value: `${value}stra`, request_id: String(id) }));
  return { id, value };
}

export function claim(ctx: ExecContext, user: Uint8Array, id: number): bigint {
  const r = getRequest(ctx.store, id);
  if (!r) throw new StrataError(ErrorCode.UnknownRequest, `no withdrawal request ${id}`);
  if (Buffer.compare(r.owner, user) !== 0) throw new StrataError(ErrorCode.NotRequestOwner, `request ${id} belongs to ${encodeAddress(r.owner)}`);
  if (r.claimed) throw new StrataError(ErrorCode.AlreadyClaimed, `request ${id} was already paid`);
  const st = getState(ctx.store);
  const b = st.openBatches.find((x) => x.epoch === r.epoch);
  if (!b || b.completionTime > ctx.time) {
    throw new StrataError(ErrorCode.RequestNotMature, b ? `request ${id} is claimable from ${new Date(b.completionTime).toISOString()}` : `request ${id} is queued: it unbonds at the end of epoch ${r.epoch}`);
  }
  // a batch cut while unbonding pays every claim of it the same fraction; never more than held
  const due = b.amount === 0n ? 0n : (r.amount * (b.amount - b.slashed)) / b.amount;
  const have = getBalance(ctx.store, LST, "stra");
  const pay = due < have ? due : have;
  send(ctx.store, LST, user, "stra", pay);
  setRequest(ctx.store, { ...r, claimed: true });
  setState(ctx.store, { ...st, openBatches: st.openBatches.map((x) => (x.epoch === r.epoch ? { ...x, claimed: x.claimed + r.amount } : x)) });
  ctx.events.push(event("lst_claim", { owner: encodeAddress(user), request_id: String(id), amount: `${pay}stra` }));
  return pay;
}

/** End of block: every `epochBlocks` blocks, compound, take the fee, unbond the batch, rebalance, check the rate. */
export function maybeRunEpoch(ctx: ExecContext): void {
  const p = getParams(ctx.store);
  if (ctx.height % p.epochBlocks !== 0) return;
  let st = getState(ctx.store);
  // 1. claim the pool's rewards from every validator it delegates to
  for (const op of getValidatorOperators(ctx.store)) {
    if (getDelegationShares(ctx.store, LST, op) === 0n) continue;
    settleDelegation(ctx, LST, op);
    initializeDelegation(ctx, LST, op);
  }
  // 2. idle stra = balance minus what matured batches still owe to claimers (rounded up)
  const owed = (b: (typeof st.openBatches)[number]) => (b.amount === 0n ? 0n : ((b.amount - b.claimed) * (b.amount - b.slashed) + b.amount - 1n) / b.amount);
  const reserve = st.openBatches.filter((b) => b.completionTime <= ctx.time).reduce((a, b) => a + owed(b), 0n);
  const balance = getBalance(ctx.store, LST, "stra");
  const idle = balance > reserve ? balance - reserve : 0n;
  // 2b. finalize this epoch's requests at min(promised, escrowed ststra × rate now) and burn the
  // escrow: a slash since the request was made is borne pro rata by everyone, requests included
  st = finalizeRequests(ctx, idle);
  // 3. protocol fee on the rewards, paid in ststra minted at the post-reward rate
  const supply = getSupply(ctx.store, "ststra");
  const fee = (idle * p.protocolFee) / E18;
  if (fee > 0n && supply > 0n) {
    const pooledAfter = pooledStake(ctx.store) + idle;
    const feeShares = (fee * supply) / (pooledAfter - fee);
    if (feeShares > 0n) mint(ctx.store, p.treasury, "ststra", feeShares);
  }
  // 4. unbond this epoch's withdrawals, pro rata to the pool's stake per validator
  if (st.pendingUnbond > 0n) {
    const held = getValidatorOperators(ctx.store).map((op) => getValidator(ctx.store, op)!).map((v) => ({ v, stake: stakeAt(ctx.store, v) })).filter((x) => x.stake > 0n);
    const total = held.reduce((a, x) => a + x.stake, 0n);
    let left = st.pendingUnbond;
    held.forEach((x, i) => {
      const part = i === held.length - 1 ? left : (st.pendingUnbond * x.stake) / total;
      const take = part > x.stake ? x.stake : part;
      if (take > 0n) undelegate(ctx, LST, x.v.operator, take, { moduleAccount: true });
      left -= take;
    });
    const completionTime = ctx.time + getStakingParams(ctx.store).unbondingTimeMs;
    st = getState(ctx.store);
    st = { ...st, pendingUnbond: 0n, openBatches: [...st.openBatches, { epoch: st.epoch, completionTime, amount: st.pendingUnbond - left, claimed: 0n, creationHeight: ctx.height, slashed: 0n }] };
    setState(ctx.store, st);
  }
  // 5. compound: delegate the idle stra
  if (idle > 0n && targets(ctx.store).length) delegateByWeights(ctx, idle);
  // 6. rebalance away from jailed, tombstoned or unbonded validators
  const ts = targets(ctx.store);
  for (const op of getValidatorOperators(ctx.store)) {
    const v = getValidator(ctx.store, op)!;
    const amt = stakeAt(ctx.store, v);
    if (amt === 0n || ts.some((t) => Buffer.compare(t.operator, op) === 0) || ts.length === 0) continue;
    const to = ts.reduce((a, b) => (stakeAt(ctx.store, a) <= stakeAt(ctx.store, b) ? a : b));
    const scratch = ctx.store.child();
    try {
      redelegate({ ...ctx, store: scratch }, LST, op, to.operator, amt);
      scratch.flushToParent();
    } catch (e) {
      if (!(e instanceof StrataError)) throw e; // e.g. a transitive hop: retried next epoch
    }
  }
  // 7. rate history and the circuit breaker
  st = getState(ctx.store);
  const rate = redemptionRate(ctx.store);
  const prev = lastEpochRate(st);
  let halted = st.halted;
  if (!halted && (rate * E18 < prev * (E18 - p.maxRateDrop) || rate * E18 > prev * (E18 + p.maxRateRise))) {
    halted = true;
    ctx.events.push(event("lst_halted", { previous_rate: prev.toString(), rate: rate.toString() }));
  }
  const history = [...st.history, { epoch: st.epoch, time: ctx.time, rate }].slice(-64);
  setState(ctx.store, { ...st, epoch: st.epoch + 1, halted, history, openBatches: st.openBatches.filter((b) => b.claimed < b.amount) });
  ctx.events.push(event("lst_epoch", { epoch: String(st.epoch), rate: rate.toString(), rewards: `${idle}stra`, fee: `${fee}stra` }));
}

/**
 * Values the requests of the ending epoch (see maybeRunEpoch 2b) and sets `pendingUnbond` to
 * their total. The rate counts the rewards just claimed (`idle`), but a request never gets more
 * than it was promised. PERF: one read and at most one write per request of the epoch.
 */
function finalizeRequests(ctx: ExecContext, idle: bigint): LstStateValue {
  const st = getState(ctx.store);
  if (st.firstPendingId >= st.nextRequestId) return st;
  const supply = getSupply(ctx.store, "ststra");
  const pooled = pooledStake(ctx.store) + idle;
  let total = 0n;
  let escrow = 0n;
  for (let id = st.firstPendingId; id < st.nextRequestId; id++) {
    const r = getRequest(ctx.store, id)!;
    const worth = supply === 0n ? 0n : (r.shares * pooled) / supply;
    if (worth < r.amount) {
      setRequest(ctx.store, { ...r, amount: worth });
      ctx.events.push(event("lst_request_cut", { request_id: String(id), promised: `${r.amount}stra`, value: `${worth}stra` }));
    }
    total += worth < r.amount ? worth : r.amount;
    escrow += r.shares;
  }
  burn(ctx.store, LST, "ststra", escrow);
  const next = { ...st, pendingUnbond: st.pendingUnbond + total, firstPendingId: st.nextRequestId };
  setState(ctx.store, next);
  return next;
}

/** Staking hook: an unbonding entry of the pool was cut by a slash; its batch pays pro rata. */
export function onUnbondingSlashed(ctx: ExecContext, delegator: Uint8Array, creationHeight: number, cut: bigint): void {
  if (Buffer.compare(delegator, LST) !== 0 || cut === 0n) return;
  const st = getState(ctx.store);
  if (!st.openBatches.some((b) => b.creationHeight === creationHeight)) return;
  setState(ctx.store, { ...st, openBatches: st.openBatches.map((b) => (b.creationHeight === creationHeight ? { ...b, slashed: b.slashed + cut } : b)) });
}

export function resume(ctx: ExecContext): void {
  const st = getState(ctx.store);
  const rate = redemptionRate(ctx.store);
  // the current rate becomes the new baseline of the breaker
  setState(ctx.store, { ...st, halted: false, history: [...st.history, { epoch: st.epoch, time: ctx.time, rate }].slice(-64) });
  ctx.events.push(event("lst_resumed", { rate: rate.toString() }));
}

export function queryLstState(s: KVReader, lookback = 10) {
  const st = getState(s);
  const p = getParams(s);
  const perValidator = getValidatorOperators(s)
    .map((op) => getValidator(s, op)!)
    .map((v) => ({ validator: encodeAddress(v.operator), moniker: Buffer.from(v.moniker).toString(), stake: stakeAt(s, v).toString() }))
    .filter((x) => x.stake !== "0");
  const h = st.history;
  let apr: string | null = null;
  if (h.length >= 2) {
    const a = h[Math.max(0, h.length - 1 - lookback)];
    const b = h[h.length - 1];
    const dt = BigInt(b.time - a.time);
    if (dt > 0n && a.rate > 0n) apr = (((b.rate - a.rate) * E18 * 31_536_000_000n) / (a.rate * dt)).toString();
  }
  return {
    rate: redemptionRate(s).toString(),
    pooled: pooledStake(s).toString(),
    supply: getSupply(s, "ststra").toString(),
    pendingUnbond: st.pendingUnbond.toString(),
    /** ststra escrowed by this epoch's withdrawal requests (finalized and burned at its end) */
    queuedStstra: getBalance(s, LST, "ststra").toString(),
    epoch: String(st.epoch),
    epochBlocks: p.epochBlocks,
    protocolFee: p.protocolFee.toString(),
    halted: st.halted,
    apr,
    perValidator,
    history: h.slice(-20).map((x) => ({ epoch: String(x.epoch), time: new Date(x.time).toISOString(), rate: x.rate.toString() })),
  };
}

export function queryLstRequests(s: KVReader, owner: Uint8Array) {
  const st = getState(s);
  return getOwnerRequests(s, owner).map((id) => {
    const r = getRequest(s, id)!;
    const b = st.openBatches.find((x) => x.epoch === r.epoch);
    // queued: escrowed until its epoch ends (amount is the most it will be); then unbonding
    // until claimableAt (a slash of the batch meanwhile pays every claim of it pro rata)
    const status = r.claimed ? "claimed" : id >= st.firstPendingId ? "queued" : "unbonding";
    return { id: String(id), amount: r.amount.toString(), escrowedStstra: r.shares.toString(), status, epoch: String(r.epoch), claimed: r.claimed, claimableAt: b ? new Date(b.completionTime).toISOString() : null };
  });
}
