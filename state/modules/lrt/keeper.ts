// lrt keeper: liquid restaking. Holds ststra, allocates it to service strategies by weight, and
// mints rststra against its TVL. rate = TVL (stra, ststra valued at the LST rate) / rststra supply.
// Mint against TVL rounded up, redeem against TVL rounded down: both favour the pool.
import type { ExecContext } from "../../context.ts";
import type { KVReader } from "../../store/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { moduleAddress, encodeAddress } from "../../crypto/address.ts";
import { event } from "../../events.ts";
import { burn, getBalance, getSupply, mint, send } from "../bank/keeper.ts";
import { redemptionRate, stake as lstStake } from "../lst/keeper.ts";
import { getRegistry, strategyAccount, strategyName, StrategyKind } from "../strategy/store.ts";
import { accrueService, depositService, exposure, serviceValue, withdrawService } from "../strategy/service.ts";
import { getService } from "../strategy/store.ts";
import { getOwnerRequests, getParams, getRequest, getState, setRequest, setState } from "./store.ts";

export const LRT = moduleAddress("lrt");
export const LRT_ESCROW = moduleAddress("lrt_escrow");
const E18 = 10n ** 18n;

function services(s: KVReader) {
  return getRegistry(s).filter((d) => d.kind === StrategyKind.Service);
}

/** ststra the LRT owns: idle plus every service position. */
export function positionStstra(s: KVReader): bigint {
  let total = getBalance(s, LRT, "ststra");
  for (const d of services(s)) total += serviceValue(s, strategyName(d));
  return total;
}

/** TVL in stra; `roundUp` for minting. */
export function tvl(s: KVReader, roundUp = false): bigint {
  const r = redemptionRate(s);
  const st = positionStstra(s);
  const v = roundUp ? (st * r + E18 - 1n) / E18 : (st * r) / E18;
  return v + getBalance(s, LRT, "stra");
}

export function lrtRate(s: KVReader): bigint {
  const supply = getSupply(s, "rststra");
  return supply === 0n ? E18 : (tvl(s) * E18) / supply;
}

export function restake(ctx: ExecContext, user: Uint8Array, amount: bigint): bigint {
  const value = (amount * redemptionRate(ctx.store)) / E18;
  const supply = getSupply(ctx.store, "rststra");
  const t = tvl(ctx.store, true);
  const minted = supply === 0n || t === 0n ? value : (value * supply) / t;
  if (minted === 0n) throw new StrataError(ErrorCode.InvalidAmount, `${amount}ststra is too little to mint any rststra`);
  send(ctx.store, user, LRT, "ststra", amount);
  mint(ctx.store, user, "rststra", minted);
  ctx.events.push(event("lrt_restake", { restaker: encodeAddress(user), amount: `${amount}ststra`, minted: `${minted}rststra` }));
  return minted;
}

/** Takes `need` ststra back from the services into the LRT account (first service first). */
function unallocate(ctx: ExecContext, need: bigint): void {
  for (const d of services(ctx.store)) {
    if (need <= 0n) return;
    const id = strategyName(d);
    const got = withdrawService(ctx, id, need);
    if (got > 0n) send(ctx.store, strategyAccount(id), LRT, "ststra", got);
    need -= got;
  }
}

export function requestWithdrawal(ctx: ExecContext, user: Uint8Array, amount: bigint): { id: number; ststra: bigint } {
  const supply = getSupply(ctx.store, "rststra");
  const rate = redemptionRate(ctx.store);
  if (supply === 0n || rate === 0n) throw new StrataError(ErrorCode.InsufficientFunds, "nothing is restaked");
  const value = (amount * tvl(ctx.store)) / supply;
  const out = (value * E18) / rate;
  if (out === 0n) throw new StrataError(ErrorCode.InvalidAmount, `${amount}rststra is worth less than 1 base unit of ststra`);
  burn(ctx.store, user, "rststra", amount);
  const idle = getBalance(ctx.store, LRT, "ststra");
  if (idle < out) unallocate(ctx, out - idle);
  const have = getBalance(ctx.store, LRT, "ststra");
  const moved = out < have ? out : have;
  send(ctx.store, LRT, LRT_ESCROW, "ststra", moved);
  const st = getState(ctx.store);
  const id = st.nextRequestId;
  const units = (moved * E18) / st.escrowMagnitude;
  setState(ctx.store, { ...st, nextRequestId: id + 1, escrowUnits: st.escrowUnits + units });
  const claimableAt = ctx.time + getParams(ctx.store).withdrawalDelayMs;
  setRequest(ctx.store, { id, owner: user, ststra: moved, units, claimableAt, claimed: false });
  ctx.events.push(event("lrt_request_withdrawal", { owner: encodeAddress(user), burned: `${amount}rststra`, ststra: `${moved}ststra`, request_id: String(id), claimable_at: new Date(claimableAt).toISOString() }));
  return { id, ststra: moved };
}

export function claim(ctx: ExecContext, user: Uint8Array, id: number): bigint {
  const r = getRequest(ctx.store, id);
  if (!r) throw new StrataError(ErrorCode.UnknownRequest, `no restaking withdrawal request ${id}`);
  if (Buffer.compare(r.owner, user) !== 0) throw new StrataError(ErrorCode.NotRequestOwner, `request ${id} belongs to ${encodeAddress(r.owner)}`);
  if (r.claimed) throw new StrataError(ErrorCode.AlreadyClaimed, `request ${id} was already paid`);
  if (ctx.time < r.claimableAt) throw new StrataError(ErrorCode.RequestNotMature, `request ${id} is claimable from ${new Date(r.claimableAt).toISOString()}`);
  const st = getState(ctx.store);
  const due = (r.units * st.escrowMagnitude) / E18;
  const held = getBalance(ctx.store, LRT_ESCROW, "ststra");
  const pay = due < held ? due : held;
  if (pay > 0n) send(ctx.store, LRT_ESCROW, user, "ststra", pay);
  setState(ctx.store, { ...st, escrowUnits: st.escrowUnits - r.units });
  setRequest(ctx.store, { ...r, claimed: true });
  ctx.events.push(event("lrt_claim", { owner: encodeAddress(user), request_id: String(id), amount: `${pay}ststra` }));
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
  const escrowMagnitude = (st.escrowMagnitude * after) / before;
  const held = getBalance(ctx.store, LRT_ESCROW, "ststra");
  const keep = (st.escrowUnits * escrowMagnitude + E18 - 1n) / E18;
  const cut = held > keep ? held - keep : 0n;
  setState(ctx.store, { ...st, escrowMagnitude });
  if (cut > 0n) {
    send(ctx.store, LRT_ESCROW, to, "ststra", cut);
    ctx.events.push(event("lrt_requests_cut", { fraction: (((before - after) * E18) / before).toString(), cut: `${cut}ststra` }));
  }
}

/** Every `epochBlocks`: collect service rewards (fee to the treasury), restake them through the LST, rebalance to the weights. */
export function maybeRunEpoch(ctx: ExecContext): void {
  const p = getParams(ctx.store);
  if (ctx.height % p.epochBlocks !== 0 || p.weights.length === 0) return;
  const lstRate = redemptionRate(ctx.store);
  let rewards = 0n;
  for (const d of services(ctx.store)) rewards += accrueService(ctx, d, lstRate, LRT);
  const fee = (rewards * p.fee) / E18;
  if (fee > 0n) send(ctx.store, LRT, p.treasury, "stra", fee);
  const idleStra = getBalance(ctx.store, LRT, "stra");
  if (idleStra > 0n) {
    const scratch = ctx.store.child();
    try {
      lstStake({ ...ctx, store: scratch }, LRT, idleStra);
      scratch.flushToParent();
    } catch (e) {
      if (!(e instanceof StrataError)) throw e; // LST halted or no validators: stays idle, counted in TVL
    }
  }
  // rebalance: targets by weight over everything the LRT holds in ststra
  const total = positionStstra(ctx.store);
  const targets = p.weights.map((w) => ({ id: Buffer.from(w.strategy).toString(), target: (total * w.weight) / E18 }));
  for (const t of targets) {
    const v = serviceValue(ctx.store, t.id);
    if (v > t.target) {
      const got = withdrawService(ctx, t.id, v - t.target);
      if (got > 0n) send(ctx.store, strategyAccount(t.id), LRT, "ststra", got);
    }
  }
  for (const t of targets) {
    const v = serviceValue(ctx.store, t.id);
    const idle = getBalance(ctx.store, LRT, "ststra");
    let add = t.target > v ? t.target - v : 0n;
    if (add > idle) add = idle;
    if (add === 0n || !getService(ctx.store, t.id).operators.some((o) => o.active)) continue;
    send(ctx.store, LRT, strategyAccount(t.id), "ststra", add);
    depositService(ctx, t.id, add);
  }
  const st = getState(ctx.store);
  setState(ctx.store, { ...st, history: [...st.history, { time: ctx.time, rate: lrtRate(ctx.store) }].slice(-64) });
  ctx.events.push(event("lrt_epoch", { rewards: `${rewards}stra`, fee: `${fee}stra`, rate: lrtRate(ctx.store).toString() }));
}

export function aprOf(history: readonly { time: number; rate: bigint }[], lookback = 10): string | null {
  if (history.length < 2) return null;
  const a = history[Math.max(0, history.length - 1 - lookback)];
  const b = history[history.length - 1];
  const dt = BigInt(b.time - a.time);
  if (dt <= 0n || a.rate === 0n) return null;
  return (((b.rate - a.rate) * E18 * 31_536_000_000n) / (a.rate * dt)).toString();
}

export function queryLrtState(s: KVReader) {
  const p = getParams(s);
  const st = getState(s);
  return {
    rate: lrtRate(s).toString(),
    tvl: tvl(s).toString(),
    supply: getSupply(s, "rststra").toString(),
    idleStstra: getBalance(s, LRT, "ststra").toString(),
    /** ststra held for withdrawal requests that are not yet claimed */
    pendingWithdrawals: getBalance(s, LRT_ESCROW, "ststra").toString(),
    apr: aprOf(st.history),
    withdrawalDelayMs: p.withdrawalDelayMs,
    weights: p.weights.map((w) => ({ strategy: Buffer.from(w.strategy).toString(), weight: w.weight.toString() })),
    allocations: services(s).map((d) => ({ strategy: strategyName(d), value: serviceValue(s, strategyName(d)).toString(), operators: exposure(s, strategyName(d)).map((e) => ({ ...e, value: e.value.toString() })) })),
    history: st.history.slice(-20).map((x) => ({ time: new Date(x.time).toISOString(), rate: x.rate.toString() })),
  };
}

export function queryLrtRequests(s: KVReader, owner: Uint8Array) {
  const mag = getState(s).escrowMagnitude;
  return getOwnerRequests(s, owner).map((id) => {
    const r = getRequest(s, id)!;
    // `ststra`: what it pays now (strategy slashes since the request cut it pro rata)
    return { id: String(id), ststra: (r.claimed ? r.ststra : (r.units * mag) / E18).toString(), requested: r.ststra.toString(), claimableAt: new Date(r.claimableAt).toISOString(), claimed: r.claimed };
  });
}
