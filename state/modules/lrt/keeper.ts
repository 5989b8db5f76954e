// lrt keeper: liquid restaking. Holds ststra, allocates it to service strategies by weight, and
// mints rststra against its TVL. rate = TVL (stra, ststra valued at the LST rate) / rststra supply.
// Everything the LRT holds is booked in its own records (idle ststra and stra, the services'
// allocations, the escrow), never read from a balance, so a donation moves no rate. Minting
// values the service rewards accrued but not yet collected (a deposit earns only what accrues
// after it); a withdrawal takes its share of each asset (ststra and idle stra) without valuing
// them, so it never depends on a rate and is paid in full.
import type { ExecContext } from "../../context.ts";
import type { KVReader } from "../../store/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { moduleAddress, encodeAddress } from "../../crypto/address.ts";
import { event } from "../../events.ts";
import { burn, getSupply, mint, send } from "../bank/keeper.ts";
import { redemptionRate, stake as lstStake } from "../lst/keeper.ts";
import { getLastBlockTime } from "../../lastBlockTime.ts";
import { getRegistry, strategyAccount, strategyName, StrategyKind, type StrategyDefValue } from "../strategy/keeper.ts";
import {
  accruedReward,
  accrueService,
  depositService,
  exposure,
  hasActiveOperator,
  inactiveValue,
  serviceValue,
  withdrawService,
} from "../strategy/keeper.ts";
import { DEAD_SHARES_HOLDER } from "../../moduleAccounts.ts";
import { aprOf, DEAD_SHARES, quoteMint, shareRate } from "../../shareToken.ts";
export { aprOf };
import {
  getOwnerRequests,
  getParams,
  getRequest,
  getState,
  MIN_ESCROW_MAGNITUDE,
  setRequest,
  setState,
  type LrtStateValue,
} from "./store.ts";

export const LRT = moduleAddress("lrt");
export const LRT_ESCROW = moduleAddress("lrt_escrow");
const E18 = 10n ** 18n;

function services(s: KVReader): StrategyDefValue[] {
  return getRegistry(s).filter((d) => d.kind === StrategyKind.Service);
}

/** ststra the LRT owns: idle plus every service position. */
export function positionStstra(s: KVReader): bigint {
  let total = getState(s).idleStstra;
  for (const d of services(s)) total += serviceValue(s, strategyName(d));
  return total;
}

/** TVL in stra: ststra at the LST redemption rate plus idle stra; `roundUp` for minting. */
export function tvl(s: KVReader, roundUp = false): bigint {
  const r = redemptionRate(s);
  const st = positionStstra(s);
  const v = roundUp ? (st * r + E18 - 1n) / E18 : (st * r) / E18;
  return v + getState(s).idleStra;
}

/**
 * The TVL a deposit is valued against: the TVL (rounded up) plus the service rewards accrued
 * since the last epoch, net of the LRT fee the epoch will take. PERF: O(services × operators).
 */
export function tvlForMint(s: KVReader, time: number): bigint {
  const lstRate = redemptionRate(s);
  let pending = 0n;
  for (const d of services(s)) pending += accruedReward(s, d, lstRate, time);
  const fee = (pending * getParams(s).fee + E18 - 1n) / E18;
  return tvl(s, true) + pending - fee;
}

export function lrtRate(s: KVReader): bigint {
  return shareRate(getSupply(s, "rststra"), tvl(s));
}

function update(ctx: ExecContext, f: (st: LrtStateValue) => Partial<LrtStateValue>): LrtStateValue {
  const st = getState(ctx.store);
  const next = { ...st, ...f(st) };
  setState(ctx.store, next);
  return next;
}

export function restake(ctx: ExecContext, user: Uint8Array, amount: bigint): bigint {
  const value = (amount * redemptionRate(ctx.store)) / E18;
  const q = quoteMint(getSupply(ctx.store, "rststra"), tvlForMint(ctx.store, ctx.time), value);
  if (!q.ok) {
    if (q.reason === "NoBacking")
      throw new StrataError(
        ErrorCode.LrtNoBacking,
        "rststra is outstanding but its strategies were slashed to nothing: restaking takes no deposits until that is resolved",
      );
    if (q.reason === "FirstDepositTooSmall")
      throw new StrataError(
        ErrorCode.FirstRestakeTooSmall,
        `the first restake must be worth more than ${DEAD_SHARES} base units of stra (that many rststra are locked for good)`,
      );
    throw new StrataError(ErrorCode.InvalidAmount, `${amount}ststra is too little to mint any rststra`);
  }
  send(ctx.store, user, LRT, "ststra", amount);
  update(ctx, (st) => ({ idleStstra: st.idleStstra + amount }));
  if (q.dead > 0n) mint(ctx.store, DEAD_SHARES_HOLDER, "rststra", q.dead);
  mint(ctx.store, user, "rststra", q.minted);
  update(ctx, (st) => ({ issued: st.issued + q.dead + q.minted }));
  ctx.events.push(
    event("lrt_restake", { restaker: encodeAddress(user), amount: `${amount}ststra`, minted: `${q.minted}rststra` }),
  );
  return q.minted;
}

/** Takes up to `amount` ststra out of service `id` into the LRT's idle ststra; returns what came. */
function pullFromService(ctx: ExecContext, id: string, amount: bigint): bigint {
  const got = withdrawService(ctx, id, amount);
  if (got > 0n) send(ctx.store, strategyAccount(id), LRT, "ststra", got);
  update(ctx, (st) => ({ idleStstra: st.idleStstra + got }));
  return got;
}

/** Takes `need` ststra back from the services into the LRT's idle ststra, pro rata to their positions. */
function unallocate(ctx: ExecContext, need: bigint): void {
  const positions = services(ctx.store).map((d) => ({
    id: strategyName(d),
    value: serviceValue(ctx.store, strategyName(d)),
  }));
  const total = positions.reduce((a, p) => a + p.value, 0n);
  if (total === 0n || need <= 0n) return;
  const want = need < total ? need : total;
  let left = want;
  // pro rata, then the rounding remainder from the first that still has some
  for (const pass of [0, 1]) {
    for (const p of positions) {
      if (left === 0n) break;
      const ask = pass === 0 ? (want * p.value) / total : left;
      if (ask === 0n) continue;
      left -= pullFromService(ctx, p.id, ask < left ? ask : left);
    }
  }
}

export function requestWithdrawal(
  ctx: ExecContext,
  user: Uint8Array,
  amount: bigint,
): { id: number; ststra: bigint; stra: bigint } {
  const supply = getSupply(ctx.store, "rststra");
  if (supply === 0n) throw new StrataError(ErrorCode.InsufficientFunds, "nothing is restaked");
  // the request's share of each asset, rounded down: no valuation, so no rate can be gamed
  const outStstra = (amount * positionStstra(ctx.store)) / supply;
  const outStra = (amount * getState(ctx.store).idleStra) / supply;
  if (outStstra === 0n && outStra === 0n)
    throw new StrataError(ErrorCode.InvalidAmount, `${amount}rststra is worth less than 1 base unit`);
  burn(ctx.store, user, "rststra", amount);
  update(ctx, (st) => ({ issued: st.issued - amount }));
  const idle = getState(ctx.store).idleStstra;
  if (idle < outStstra) unallocate(ctx, outStstra - idle);
  let st = getState(ctx.store);
  if (st.idleStstra < outStstra)
    throw new Error(`lrt: positions hold ${st.idleStstra} ststra after unallocating, owe ${outStstra}`); // records broken
  if (outStstra > 0n) send(ctx.store, LRT, LRT_ESCROW, "ststra", outStstra);
  if (outStra > 0n) send(ctx.store, LRT, LRT_ESCROW, "stra", outStra);
  const units = (outStstra * E18) / st.escrowMagnitude;
  const id = st.nextRequestId;
  st = update(ctx, (x) => ({
    nextRequestId: id + 1,
    idleStstra: x.idleStstra - outStstra,
    idleStra: x.idleStra - outStra,
    escrowUnits: x.escrowUnits + units,
    escrowStstra: x.escrowStstra + outStstra,
    escrowStra: x.escrowStra + outStra,
  }));
  const claimableAt = ctx.time + getParams(ctx.store).withdrawalDelayMs;
  setRequest(ctx.store, {
    id,
    owner: user,
    ststra: outStstra,
    stra: outStra,
    units,
    era: st.escrowEra,
    claimableAt,
    claimed: false,
  });
  ctx.events.push(
    event("lrt_request_withdrawal", {
      owner: encodeAddress(user),
      burned: `${amount}rststra`,
      ststra: `${outStstra}ststra`,
      stra: `${outStra}stra`,
      request_id: String(id),
      claimable_at: new Date(claimableAt).toISOString(),
    }),
  );
  return { id, ststra: outStstra, stra: outStra };
}

/** What request `r` pays now in ststra: its units at the current magnitude (nothing from a wiped era). */
function dueStstra(st: LrtStateValue, r: { units: bigint; era: number }): bigint {
  return r.era === st.escrowEra ? (r.units * st.escrowMagnitude) / E18 : 0n;
}

export function claim(ctx: ExecContext, user: Uint8Array, id: number): bigint {
  const r = getRequest(ctx.store, id);
  if (!r) throw new StrataError(ErrorCode.UnknownRequest, `no restaking withdrawal request ${id}`);
  if (Buffer.compare(r.owner, user) !== 0)
    throw new StrataError(ErrorCode.NotRequestOwner, `request ${id} belongs to ${encodeAddress(r.owner)}`);
  if (r.claimed) throw new StrataError(ErrorCode.AlreadyClaimed, `request ${id} was already paid`);
  if (ctx.time < r.claimableAt)
    throw new StrataError(
      ErrorCode.RequestNotMature,
      `request ${id} is claimable from ${new Date(r.claimableAt).toISOString()}`,
    );
  const st = getState(ctx.store);
  const due = dueStstra(st, r);
  const pay = due < st.escrowStstra ? due : st.escrowStstra;
  const stra = r.stra < st.escrowStra ? r.stra : st.escrowStra;
  if (pay > 0n) send(ctx.store, LRT_ESCROW, user, "ststra", pay);
  if (stra > 0n) send(ctx.store, LRT_ESCROW, user, "stra", stra);
  const units = r.era === st.escrowEra ? st.escrowUnits - r.units : st.escrowUnits;
  let escrowStstra = st.escrowStstra - pay;
  let idleStstra = st.idleStstra;
  if (units === 0n && escrowStstra > 0n) {
    // the last claim of the era: the rounding dust left in escrow goes back to the LRT's holders
    send(ctx.store, LRT_ESCROW, LRT, "ststra", escrowStstra);
    idleStstra += escrowStstra;
    escrowStstra = 0n;
  }
  setState(ctx.store, { ...st, escrowUnits: units, escrowStstra, escrowStra: st.escrowStra - stra, idleStstra });
  setRequest(ctx.store, { ...r, claimed: true });
  ctx.events.push(
    event("lrt_claim", {
      owner: encodeAddress(user),
      request_id: String(id),
      amount: `${pay}ststra`,
      stra: `${stra}stra`,
    }),
  );
  return pay;
}

/**
 * A strategy slash just cut the LRT's position from `before` to what it is now: pending
 * withdrawals lose the same fraction (the cut goes where the strategy's cut went, the community
 * pool). The escrow keeps enough to pay every request at the new magnitude (rounded up).
 */
export function applyStrategyLossToRequests(ctx: ExecContext, before: bigint, to: Uint8Array): void {
  const after = positionStstra(ctx.store);
  if (before === 0n || after >= before) return;
  const st = getState(ctx.store);
  if (st.escrowUnits === 0n) return;
  let escrowMagnitude = (st.escrowMagnitude * after) / before;
  let keep = (st.escrowUnits * escrowMagnitude + E18 - 1n) / E18;
  let next: Partial<LrtStateValue> = { escrowMagnitude };
  if (escrowMagnitude < MIN_ESCROW_MAGNITUDE) {
    // wiped: every pending request of this era is worth nothing; a new era starts at 1.0
    escrowMagnitude = E18;
    keep = 0n;
    next = { escrowMagnitude, escrowUnits: 0n, escrowEra: st.escrowEra + 1 };
  }
  const cut = st.escrowStstra > keep ? st.escrowStstra - keep : 0n;
  setState(ctx.store, { ...st, ...next, escrowStstra: st.escrowStstra - cut });
  if (cut > 0n) {
    send(ctx.store, LRT_ESCROW, to, "ststra", cut);
    ctx.events.push(
      event("lrt_requests_cut", { fraction: (((before - after) * E18) / before).toString(), cut: `${cut}ststra` }),
    );
  }
}

/**
 * Every `epochBlocks`: collect service rewards (fee to the treasury), restake them through the
 * LST, take everything back from opted-out operators, rebalance to the weights. Total: a failed
 * LST stake leaves the stra idle (counted in TVL, paid out pro rata on withdrawal).
 * PERF: O(services × operators).
 */
export function maybeRunEpoch(ctx: ExecContext): void {
  const p = getParams(ctx.store);
  if (ctx.height % p.epochBlocks !== 0 || p.weights.length === 0) return;
  const lstRate = redemptionRate(ctx.store);
  let rewards = 0n;
  for (const d of services(ctx.store)) rewards += accrueService(ctx, d, lstRate, LRT);
  const fee = (rewards * p.fee) / E18;
  if (fee > 0n) send(ctx.store, LRT, p.treasury, "stra", fee);
  let st = update(ctx, (x) => ({ idleStra: x.idleStra + rewards - fee }));
  if (st.idleStra > 0n) {
    const scratch = ctx.store.child();
    try {
      const minted = lstStake({ ...ctx, store: scratch }, LRT, st.idleStra);
      scratch.flushToParent();
      st = update(ctx, (x) => ({ idleStra: 0n, idleStstra: x.idleStstra + minted }));
    } catch (e) {
      if (!(e instanceof StrataError)) throw e; // LST halted or no validators: stays idle, counted in TVL
    }
  }
  // opted-out operators keep nothing: their whole allocation comes back
  for (const d of services(ctx.store)) {
    const id = strategyName(d);
    const out = inactiveValue(ctx.store, id);
    if (out === 0n) continue;
    pullFromService(ctx, id, out);
  }
  // rebalance: targets by weight over everything the LRT holds in ststra
  const total = positionStstra(ctx.store);
  // a service the weights do not name (any more) has a target of 0: its position comes back
  const weightOf = (id: string) => p.weights.find((w) => Buffer.from(w.strategy).toString() === id)?.weight ?? 0n;
  const targets = services(ctx.store).map((d) => ({
    id: strategyName(d),
    target: (total * weightOf(strategyName(d))) / E18,
  }));
  for (const t of targets) {
    const v = serviceValue(ctx.store, t.id);
    if (v > t.target) {
      pullFromService(ctx, t.id, v - t.target);
    }
  }
  for (const t of targets) {
    const v = serviceValue(ctx.store, t.id);
    const idle = getState(ctx.store).idleStstra;
    let add = t.target > v ? t.target - v : 0n;
    if (add > idle) add = idle;
    if (add === 0n || !hasActiveOperator(ctx.store, t.id)) continue;
    send(ctx.store, LRT, strategyAccount(t.id), "ststra", add);
    depositService(ctx, t.id, add);
    update(ctx, (x) => ({ idleStstra: x.idleStstra - add }));
  }
  const rate = lrtRate(ctx.store);
  update(ctx, (x) => ({ history: [...x.history, { time: ctx.time, rate }].slice(-64) }));
  ctx.events.push(event("lrt_epoch", { rewards: `${rewards}stra`, fee: `${fee}stra`, rate: rate.toString() }));
}

export function queryLrtState(s: KVReader) {
  const p = getParams(s);
  const st = getState(s);
  return {
    rate: lrtRate(s).toString(),
    tvl: tvl(s).toString(),
    supply: getSupply(s, "rststra").toString(),
    idleStstra: st.idleStstra.toString(),
    idleStra: st.idleStra.toString(),
    /** ststra held for withdrawal requests that are not yet claimed */
    pendingWithdrawals: st.escrowStstra.toString(),
    apr: aprOf(st.history),
    withdrawalDelayMs: p.withdrawalDelayMs,
    weights: p.weights.map((w) => ({ strategy: Buffer.from(w.strategy).toString(), weight: w.weight.toString() })),
    allocations: services(s).map((d) => ({
      strategy: strategyName(d),
      value: serviceValue(s, strategyName(d)).toString(),
      operators: exposure(s, strategyName(d)).map((e) => ({ ...e, value: e.value.toString() })),
    })),
    history: st.history.slice(-20).map((x) => ({ time: new Date(x.time).toISOString(), rate: x.rate.toString() })),
  };
}

export function queryLrtRequests(s: KVReader, owner: Uint8Array) {
  const st = getState(s);
  const now = getLastBlockTime(s) ?? 0;
  return getOwnerRequests(s, owner).map((id) => {
    const r = getRequest(s, id)!;
    // `ststra`: what it pays now (strategy slashes since the request cut it pro rata)
    const status = r.claimed ? "claimed" : r.claimableAt <= now ? "claimable" : "pending";
    return {
      id: String(id),
      ststra: (r.claimed ? r.ststra : dueStstra(st, r)).toString(),
      stra: r.stra.toString(),
      requested: r.ststra.toString(),
      claimableAt: new Date(r.claimableAt).toISOString(),
      claimed: r.claimed,
      status,
    };
  });
}
