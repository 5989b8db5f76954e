// lst keeper: the liquid staking pool. Users' stra is delegated by the `lst` module account;
// `ststra` is a claim on a share of the pool. rate = pooled stra / ststra supply (1.0 at start).
// Backing comes from the module's own records (delegations, idle stra it booked), never from its
// balance, so donations move nothing; minting values rewards accrued but not yet compounded.
// Mint and redeem round down for the user; redemption uses min(rate now, last epoch's rate) so
// a rate pushed up inside an epoch pays no one (Stride). A withdrawal bears the pool's slashes
// pro rata until it is paid: its ststra stays in escrow until the epoch ends and is then valued
// at min(promised, escrow × rate then) (Lido's finalization), and a batch cut while unbonding
// pays each of its claims the same fraction.
import type { ExecContext } from "../../context.ts";
import { getLastBlockTime } from "../../lastBlockTime.ts";
import type { KVReader } from "../../store/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { moduleAddress, encodeAddress } from "../../crypto/address.ts";
import { event } from "../../events.ts";
import { burn, getBalance, getSupply, mint, send } from "../bank/keeper.ts";
import { delegate, redelegate, tokensFromShares, undelegate } from "../staking/keeper.ts";
import { getDelegationShares, getStakingParams, getValidator, getValidatorOperators } from "../staking/keeper.ts";
import { ValidatorStatus, type ValidatorValue } from "../staking/types.ts";
import { initializeDelegation, pendingRewards, settleDelegation } from "../distribution/keeper.ts";
import { DEAD_SHARES_HOLDER } from "../../moduleAccounts.ts";
import { aprOf, DEAD_SHARES, quoteMint, shareRate } from "../../shareToken.ts";
import {
  getOwnerRequests,
  getParams,
  getRequest,
  getState,
  setRequest,
  setState,
  type LstStateValue,
  type OpenBatchValue,
} from "./store.ts";

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
 * What the pool owns: the value of its delegations plus its idle stra (both from its own
 * records), minus what this epoch's unstakers already own (only inside the epoch step).
 * Rounded down for redemption; `roundUp` for minting, so that both directions favour the pool
 * (minting against an over-estimate gives fewer ststra; redeeming against an under-estimate
 * pays less stra).
 */
export function pooledStake(s: KVReader, roundUp = false): bigint {
  let total = getState(s).idle;
  for (const op of getValidatorOperators(s)) total += stakeAt(s, getValidator(s, op)!, roundUp);
  const p = total - getState(s).pendingUnbond;
  return p > 0n ? p : 0n;
}

/**
 * The backing a deposit is valued against: the pooled stake plus the rewards accrued to the
 * pool's delegations but not yet compounded, net of the protocol fee that the epoch will take
 * on them and on the rewards already booked. A deposit so pays for what accrued before it and
 * earns only what accrues after it (no epoch sandwich). PERF: O(validators) F1 reads.
 */
export function backingForMint(s: KVReader): bigint {
  const st = getState(s);
  let pending = 0n;
  for (const op of getValidatorOperators(s))
    if (getDelegationShares(s, LST, op) > 0n) pending += pendingRewards(s, LST, op);
  const fee = ((pending + st.rewardsSinceEpoch) * getParams(s).protocolFee + E18 - 1n) / E18;
  const b = pooledStake(s, true) + pending - fee;
  return b > 0n ? b : 0n;
}

/** 18-decimal redemption rate, rounded down. */
export function redemptionRate(s: KVReader): bigint {
  return shareRate(getSupply(s, "ststra"), pooledStake(s));
}

function lastEpochRate(st: LstStateValue): bigint {
  return st.history.length ? st.history[st.history.length - 1].rate : E18;
}

/** Mints ststra and books it in the module's own ledger (the invariants hold the supply to it). */
function issue(ctx: ExecContext, to: Uint8Array, amount: bigint): void {
  mint(ctx.store, to, "ststra", amount);
  const st = getState(ctx.store);
  setState(ctx.store, { ...st, issued: st.issued + amount });
}

function retire(ctx: ExecContext, from: Uint8Array, amount: bigint): void {
  burn(ctx.store, from, "ststra", amount);
  const st = getState(ctx.store);
  setState(ctx.store, { ...st, issued: st.issued - amount });
}

/**
 * Rewards paid to the pool's delegations (by the staking hooks whenever the pool's delegation
 * changes, or by the epoch's claim) are booked as idle stra: the only way stra becomes the
 * pool's besides deposits. Wired in state/app.ts.
 */
export function receiveRewards(ctx: ExecContext, delegator: Uint8Array, amount: bigint): void {
  if (amount === 0n || Buffer.compare(delegator, LST) !== 0) return;
  const st = getState(ctx.store);
  setState(ctx.store, { ...st, idle: st.idle + amount, rewardsSinceEpoch: st.rewardsSinceEpoch + amount });
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

function requireRunning(st: LstStateValue): void {
  if (st.halted)
    throw new StrataError(
      ErrorCode.LstHalted,
      "liquid staking is halted by the circuit breaker until the authority resumes it",
    );
}

export function stake(ctx: ExecContext, user: Uint8Array, amount: bigint): bigint {
  requireRunning(getState(ctx.store));
  const q = quoteMint(getSupply(ctx.store, "ststra"), backingForMint(ctx.store), amount);
  if (!q.ok) {
    if (q.reason === "NoBacking")
      throw new StrataError(
        ErrorCode.NoBacking,
        "ststra is outstanding but nothing backs it (its stake was slashed away): liquid staking takes no deposits until that is resolved",
      );
    if (q.reason === "FirstDepositTooSmall")
      throw new StrataError(
        ErrorCode.FirstDepositTooSmall,
        `the first deposit must exceed ${DEAD_SHARES} base units (that many ststra are locked for good)`,
      );
    throw new StrataError(
      ErrorCode.InvalidAmount,
      `${amount}stra is too little to mint any ststra at the current rate`,
    );
  }
  send(ctx.store, user, LST, "stra", amount);
  delegateByWeights(ctx, amount);
  if (q.dead > 0n) issue(ctx, DEAD_SHARES_HOLDER, q.dead);
  issue(ctx, user, q.minted);
  ctx.events.push(
    event("lst_stake", { staker: encodeAddress(user), amount: `${amount}stra`, minted: `${q.minted}ststra` }),
  );
  return q.minted;
}

export function unstake(ctx: ExecContext, user: Uint8Array, amount: bigint): { id: number; value: bigint } {
  const st = getState(ctx.store);
  requireRunning(st);
  const now = redemptionRate(ctx.store);
  const rate = now < lastEpochRate(st) ? now : lastEpochRate(st);
  const value = (amount * rate) / E18;
  if (value === 0n)
    throw new StrataError(ErrorCode.InvalidAmount, `${amount}ststra is worth less than 1 base unit of stra`);
  send(ctx.store, user, LST, "ststra", amount); // escrow until the epoch ends
  const id = st.nextRequestId;
  setState(ctx.store, { ...st, nextRequestId: id + 1 });
  setRequest(ctx.store, {
    id,
    owner: user,
    amount: value,
    shares: amount,
    epoch: st.epoch,
    requestedAt: ctx.time,
    claimed: false,
  });
  ctx.events.push(
    event("lst_unstake", {
      owner: encodeAddress(user),
      burned: `${amount}ststra`,
      value: `${value}stra`,
      request_id: String(id),
    }),
  );
  return { id, value };
}

/** stra a batch still owes its unpaid claims, after its slashes (rounded up: what must stay). */
export function batchOwed(b: OpenBatchValue): bigint {
  return b.amount === 0n ? 0n : ((b.amount - b.claimed) * (b.amount - b.slashed) + b.amount - 1n) / b.amount;
}

export function claim(ctx: ExecContext, user: Uint8Array, id: number): bigint {
  const r = getRequest(ctx.store, id);
  if (!r) throw new StrataError(ErrorCode.UnknownRequest, `no withdrawal request ${id}`);
  if (Buffer.compare(r.owner, user) !== 0)
    throw new StrataError(ErrorCode.NotRequestOwner, `request ${id} belongs to ${encodeAddress(r.owner)}`);
  if (r.claimed) throw new StrataError(ErrorCode.AlreadyClaimed, `request ${id} was already paid`);
  const st = getState(ctx.store);
  const b = st.openBatches.find((x) => x.epoch === r.epoch);
  if (!b || b.completionTime > ctx.time) {
    throw new StrataError(
      ErrorCode.RequestNotMature,
      b
        ? `request ${id} is claimable from ${new Date(b.completionTime).toISOString()}`
        : `request ${id} is queued: it unbonds at the end of epoch ${r.epoch}`,
    );
  }
  // a batch cut while unbonding pays every claim of it the same fraction; never more than the
  // module holds beyond the stakers' idle stra
  const due = b.amount === 0n ? 0n : (r.amount * (b.amount - b.slashed)) / b.amount;
  const balance = getBalance(ctx.store, LST, "stra");
  const have = balance > st.idle ? balance - st.idle : 0n;
  const pay = due < have ? due : have;
  if (pay > 0n) send(ctx.store, LST, user, "stra", pay);
  setRequest(ctx.store, { ...r, claimed: true });
  setState(ctx.store, {
    ...st,
    openBatches: st.openBatches.map((x) => (x.epoch === r.epoch ? { ...x, claimed: x.claimed + r.amount } : x)),
  });
  ctx.events.push(event("lst_claim", { owner: encodeAddress(user), request_id: String(id), amount: `${pay}stra` }));
  return pay;
}

/**
 * End of block, every `epochBlocks` blocks: claim the pool's rewards, take the protocol fee,
 * finalize and unbond this epoch's withdrawals, compound, rebalance, check the rate.
 * Total by construction: every division is guarded, and failures of single moves (a
 * redelegation refused) are retried next epoch. PERF: O(validators + this epoch's requests).
 */
export function maybeRunEpoch(ctx: ExecContext): void {
  const p = getParams(ctx.store);
  if (ctx.height % p.epochBlocks !== 0) return;
  // 1. claim the pool's rewards from every validator it delegates to (booked as idle)
  for (const op of getValidatorOperators(ctx.store)) {
    if (getDelegationShares(ctx.store, LST, op) === 0n) continue;
    receiveRewards(ctx, LST, settleDelegation(ctx, LST, op));
    initializeDelegation(ctx, LST, op);
  }
  let st = getState(ctx.store);
  const rewards = st.rewardsSinceEpoch;
  // 2. protocol fee on the rewards, paid in ststra minted at the post-reward rate
  const supply = getSupply(ctx.store, "ststra");
  const fee = (rewards * p.protocolFee) / E18;
  const backing = pooledStake(ctx.store);
  if (fee > 0n && supply > 0n && backing > fee) {
    const feeShares = (fee * supply) / (backing - fee);
    if (feeShares > 0n) issue(ctx, p.treasury, feeShares);
  }
  setState(ctx.store, { ...getState(ctx.store), rewardsSinceEpoch: 0n });
  // 3. finalize this epoch's requests at min(promised, escrowed ststra × rate now) and burn the
  // escrow: a slash since the request was made is borne pro rata by everyone, requests included
  st = finalizeRequests(ctx);
  // 4. unbond this epoch's withdrawals, pro rata to the pool's stake per validator; what the
  // stake cannot cover (rounding, or stake that sits idle) is set aside from the idle stra
  if (st.pendingUnbond > 0n) {
    const held = getValidatorOperators(ctx.store)
      .map((op) => getValidator(ctx.store, op)!)
      .map((v) => ({ v, stake: stakeAt(ctx.store, v) }))
      .filter((x) => x.stake > 0n);
    const total = held.reduce((a, x) => a + x.stake, 0n);
    const fromStake = st.pendingUnbond < total ? st.pendingUnbond : total;
    let left = fromStake;
    held.forEach((x, i) => {
      const part = i === held.length - 1 ? left : (fromStake * x.stake) / total;
      const take = part > x.stake ? x.stake : part;
      if (take > 0n) undelegate(ctx, LST, x.v.operator, take, { moduleAccount: true });
      left -= take;
    });
    st = getState(ctx.store); // the undelegations may have booked rewards
    const short = st.pendingUnbond - (fromStake - left);
    const fromIdle = short < st.idle ? short : st.idle;
    const amount = fromStake - left + fromIdle;
    const completionTime = ctx.time + getStakingParams(ctx.store).unbondingTimeMs;
    st = {
      ...st,
      idle: st.idle - fromIdle,
      pendingUnbond: 0n,
      openBatches: [
        ...st.openBatches,
        { epoch: st.epoch, completionTime, amount, claimed: 0n, creationHeight: ctx.height, slashed: 0n },
      ],
    };
    setState(ctx.store, st);
  }
  // 5. compound: delegate the idle stra
  st = getState(ctx.store);
  if (st.idle > 0n && targets(ctx.store).length) {
    const amount = st.idle;
    setState(ctx.store, { ...st, idle: 0n });
    delegateByWeights(ctx, amount);
  }
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
  setState(ctx.store, {
    ...st,
    epoch: st.epoch + 1,
    halted,
    history,
    openBatches: st.openBatches.filter((b) => b.claimed < b.amount),
  });
  ctx.events.push(
    event("lst_epoch", {
      epoch: String(st.epoch),
      rate: rate.toString(),
      rewards: `${rewards}stra`,
      fee: `${fee}stra`,
    }),
  );
}

/**
 * Values the requests of the ending epoch (see maybeRunEpoch 3) and sets `pendingUnbond` to
 * their total. The rate counts the rewards just claimed (net of the fee), but a request never
 * gets more than it was promised. PERF: one read and at most one write per request of the epoch.
 */
function finalizeRequests(ctx: ExecContext): LstStateValue {
  const st = getState(ctx.store);
  if (st.firstPendingId >= st.nextRequestId) return st;
  const supply = getSupply(ctx.store, "ststra");
  const pooled = pooledStake(ctx.store);
  let total = 0n;
  let escrow = 0n;
  for (let id = st.firstPendingId; id < st.nextRequestId; id++) {
    const r = getRequest(ctx.store, id)!;
    const worth = supply === 0n ? 0n : (r.shares * pooled) / supply;
    if (worth < r.amount) {
      setRequest(ctx.store, { ...r, amount: worth });
      ctx.events.push(
        event("lst_request_cut", { request_id: String(id), promised: `${r.amount}stra`, value: `${worth}stra` }),
      );
    }
    total += worth < r.amount ? worth : r.amount;
    escrow += r.shares;
  }
  retire(ctx, LST, escrow);
  const after = getState(ctx.store);
  const next = { ...after, pendingUnbond: after.pendingUnbond + total, firstPendingId: after.nextRequestId };
  setState(ctx.store, next);
  return next;
}

/** Staking hook: an unbonding entry of the pool was cut by a slash; its batch pays pro rata. */
export function onUnbondingSlashed(ctx: ExecContext, delegator: Uint8Array, creationHeight: number, cut: bigint): void {
  if (Buffer.compare(delegator, LST) !== 0 || cut === 0n) return;
  const st = getState(ctx.store);
  if (!st.openBatches.some((b) => b.creationHeight === creationHeight)) return;
  setState(ctx.store, {
    ...st,
    openBatches: st.openBatches.map((b) =>
      b.creationHeight === creationHeight ? { ...b, slashed: b.slashed + cut } : b,
    ),
  });
}

export function resume(ctx: ExecContext): void {
  const st = getState(ctx.store);
  const rate = redemptionRate(ctx.store);
  // the current rate becomes the new baseline of the breaker
  setState(ctx.store, {
    ...st,
    halted: false,
    history: [...st.history, { epoch: st.epoch, time: ctx.time, rate }].slice(-64),
  });
  ctx.events.push(event("lst_resumed", { rate: rate.toString() }));
}

export function queryLstState(s: KVReader) {
  const st = getState(s);
  const p = getParams(s);
  const perValidator = getValidatorOperators(s)
    .map((op) => getValidator(s, op)!)
    .map((v) => ({
      validator: encodeAddress(v.operator),
      moniker: Buffer.from(v.moniker).toString(),
      stake: stakeAt(s, v).toString(),
    }))
    .filter((x) => x.stake !== "0");
  const h = st.history;
  const apr = aprOf(h);
  return {
    rate: redemptionRate(s).toString(),
    pooled: pooledStake(s).toString(),
    supply: getSupply(s, "ststra").toString(),
    pendingUnbond: st.pendingUnbond.toString(),
    /** stra the pool owns but has not delegated yet (rewards since the last compound) */
    idle: st.idle.toString(),
    /** ststra escrowed by this epoch's withdrawal requests (finalized and burned at its end) */
    queuedStstra: getBalance(s, LST, "ststra").toString(),
    epoch: String(st.epoch),
    epochBlocks: p.epochBlocks,
    protocolFee: p.protocolFee.toString(),
    halted: st.halted,
    apr,
    perValidator,
    history: h
      .slice(-20)
      .map((x) => ({ epoch: String(x.epoch), time: new Date(x.time).toISOString(), rate: x.rate.toString() })),
  };
}

export function queryLstRequests(s: KVReader, owner: Uint8Array) {
  const st = getState(s);
  const now = getLastBlockTime(s) ?? 0;
  return getOwnerRequests(s, owner).map((id) => {
    const r = getRequest(s, id)!;
    const b = st.openBatches.find((x) => x.epoch === r.epoch);
    // queued: escrowed until its epoch ends (amount is the most it will be); then unbonding
    // until claimableAt (a slash of the batch meanwhile pays every claim of it pro rata)
    // "now" for a query is the last block's time (the state machine has no other clock)
    const status = r.claimed
      ? "claimed"
      : id >= st.firstPendingId
        ? "queued"
        : b && b.completionTime <= now
          ? "claimable"
          : "unbonding";
    return {
      id: String(id),
      amount: r.amount.toString(),
      escrowedStstra: r.shares.toString(),
      status,
      epoch: String(r.epoch),
      claimed: r.claimed,
      claimableAt: b ? new Date(b.completionTime).toISOString() : null,
    };
  });
}
