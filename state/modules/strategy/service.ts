// Service strategies (EigenLayer-AVS-like): validators opt in as operators; the LRT's ststra
// allocated to the service is spread over them; the service pays a reward rate from its reward
// pool; when an operator is slashed by consensus its allocation is cut by the service's fraction.
// The LRT is the only depositor, so each operator's `alloc` is kept as the exact ststra behind it
// (the strategy account holds exactly Σ alloc: no rounding dust outside the LRT's TVL, nothing
// divided by a magnitude); `magnitude` records the operator's slashing history (1.0 at start,
// only decreasing, as EigenLayer's) for display. A slash is O(1) per operator.
import { YEAR_MS } from "../../timestamp.ts";
import type { ExecContext } from "../../context.ts";
import type { KVReader } from "../../store/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { encodeAddress } from "../../crypto/address.ts";
import { event } from "../../events.ts";
import { getBalance, send } from "../bank/keeper.ts";
import { getValidator } from "../staking/keeper.ts";
import { ValidatorStatus } from "../staking/types.ts";
import { COMMUNITY_POOL } from "../distribution/keeper.ts";
import {
  findStrategy,
  getRegistry,
  getService,
  setService,
  strategyAccount,
  strategyName,
  StrategyKind,
  type StrategyDefValue,
} from "./store.ts";

const E18 = 10n ** 18n;

function requireService(s: KVReader, id: string): StrategyDefValue {
  const d = findStrategy(s, id);
  if (!d || d.kind !== StrategyKind.Service)
    throw new StrataError(ErrorCode.UnknownStrategy, `no service strategy "${id}"`);
  return d;
}

export function optIn(ctx: ExecContext, operator: Uint8Array, id: string): void {
  requireService(ctx.store, id);
  const v = getValidator(ctx.store, operator);
  if (!v || v.status !== ValidatorStatus.Bonded || v.jailed)
    throw new StrataError(ErrorCode.NotAnOperator, `${encodeAddress(operator)} is not an active validator operator`);
  const st = getService(ctx.store, id);
  const cur = st.operators.find((o) => Buffer.compare(o.operator, operator) === 0);
  if (cur?.active) throw new StrataError(ErrorCode.AlreadyOptedIn, `already an operator of "${id}"`);
  const operators = cur
    ? st.operators.map((o) => (o === cur ? { ...o, active: true } : o))
    : [...st.operators, { operator, alloc: 0n, magnitude: E18, active: true }];
  setService(ctx.store, id, { ...st, operators });
  ctx.events.push(event("opt_in", { service: id, operator: encodeAddress(operator) }));
}

export function optOut(ctx: ExecContext, operator: Uint8Array, id: string): void {
  requireService(ctx.store, id);
  const st = getService(ctx.store, id);
  const cur = st.operators.find((o) => Buffer.compare(o.operator, operator) === 0 && o.active);
  if (!cur) throw new StrataError(ErrorCode.NotAnOperator, `${encodeAddress(operator)} is not an operator of "${id}"`);
  // its allocation is returned to the LRT at the next rebalance (withdrawn from inactive operators first)
  setService(ctx.store, id, { ...st, operators: st.operators.map((o) => (o === cur ? { ...o, active: false } : o)) });
  ctx.events.push(event("opt_out", { service: id, operator: encodeAddress(operator) }));
}

/** Ids of the registered service strategies (the LRT's weights may name only these). */
export function serviceIds(s: KVReader): string[] {
  return getRegistry(s)
    .filter((d) => d.kind === StrategyKind.Service)
    .map(strategyName);
}

/** ststra value of the service's position: Σ alloc. */
export function serviceValue(s: KVReader, id: string): bigint {
  return getService(s, id).operators.reduce((a, o) => a + o.alloc, 0n);
}

export function exposure(s: KVReader, id: string): { operator: string; value: bigint }[] {
  return getService(s, id)
    .operators.filter((o) => o.alloc > 0n)
    .map((o) => ({ operator: encodeAddress(o.operator), value: o.alloc }));
}

/** True when the service has an operator that can take a deposit. */
export function hasActiveOperator(s: KVReader, id: string): boolean {
  return getService(s, id).operators.some((o) => o.active);
}

/** The LRT deposits `amount` ststra (already sent to the strategy account); spread equally over active operators. */
export function depositService(ctx: ExecContext, id: string, amount: bigint): void {
  const st = getService(ctx.store, id);
  const act = st.operators.filter((o) => o.active);
  if (act.length === 0) throw new StrataError(ErrorCode.NotAnOperator, `service "${id}" has no operators`);
  const per = amount / BigInt(act.length);
  let rest = amount - per * BigInt(act.length);
  const operators = st.operators.map((o) => {
    if (!o.active) return o;
    const add = per + rest;
    rest = 0n;
    return { ...o, alloc: o.alloc + add };
  });
  setService(ctx.store, id, { ...st, operators });
}

/**
 * Takes up to `amount` ststra out: everything of inactive (opted-out) operators first, then from
 * the active ones pro rata to their allocation (the rounding remainder from the first that still
 * has some). Returns what came out. PERF: O(operators).
 */
export function withdrawService(ctx: ExecContext, id: string, amount: bigint): bigint {
  const st = getService(ctx.store, id);
  let left = amount;
  const allocs = st.operators.map((o) => o.alloc);
  st.operators.forEach((o, i) => {
    if (o.active || left === 0n) return;
    const take = allocs[i] < left ? allocs[i] : left;
    allocs[i] -= take;
    left -= take;
  });
  const activeTotal = st.operators.reduce((a, o, i) => (o.active ? a + allocs[i] : a), 0n);
  if (left > 0n && activeTotal > 0n) {
    const want = left < activeTotal ? left : activeTotal;
    st.operators.forEach((o, i) => {
      if (!o.active) return;
      const take = (want * allocs[i]) / activeTotal;
      allocs[i] -= take;
      left -= take;
    });
    st.operators.forEach((o, i) => {
      if (!o.active || left === 0n) return;
      const take = allocs[i] < left ? allocs[i] : left;
      allocs[i] -= take;
      left -= take;
    });
  }
  setService(ctx.store, id, { ...st, operators: st.operators.map((o, i) => ({ ...o, alloc: allocs[i] })) });
  return amount - left;
}

/** Everything allocated to inactive operators (opted out), taken out. Returns the amount. */
export function inactiveValue(s: KVReader, id: string): bigint {
  return getService(s, id).operators.reduce((a, o) => (o.active ? a : a + o.alloc), 0n);
}

/**
 * Rewards accrued since the last accrual and not yet paid: value (in stra, at `lstRate`) × rate
 * × dt, capped by the reward pool. Pure: the LRT values deposits with it.
 */
export function accruedReward(s: KVReader, d: StrategyDefValue, lstRate: bigint, time: number): bigint {
  const id = strategyName(d);
  const st = getService(s, id);
  const dt = BigInt(Math.max(0, time - (st.lastAccrual || time)));
  const valueStra = (serviceValue(s, id) * lstRate) / E18;
  const reward = (valueStra * d.rewardRate * dt) / (E18 * YEAR_MS);
  const pool = getBalance(s, strategyAccount(id), "stra");
  return reward > pool ? pool : reward;
}

/** Pays the accrued rewards from the reward pool to `to`. Returns the amount. */
export function accrueService(ctx: ExecContext, d: StrategyDefValue, lstRate: bigint, to: Uint8Array): bigint {
  const id = strategyName(d);
  const reward = accruedReward(ctx.store, d, lstRate, ctx.time);
  setService(ctx.store, id, { ...getService(ctx.store, id), lastAccrual: ctx.time });
  if (reward > 0n) send(ctx.store, strategyAccount(id), to, "stra", reward);
  return reward;
}

/**
 * Consensus punished `operator` (a double sign, or a downtime jail): every service it serves cuts
 * its allocation by that service's fraction for the fault (a service whose fault rule ignores
 * downtime has a downtime fraction of 0).
 */
export function onOperatorSlashed(ctx: ExecContext, operator: Uint8Array, fault: "double_sign" | "downtime"): void {
  for (const d of getRegistry(ctx.store)) {
    if (d.kind !== StrategyKind.Service) continue;
    const fraction = fault === "double_sign" ? d.slashFraction : d.downtimeSlashFraction;
    if (fraction === 0n) continue;
    const id = strategyName(d);
    const st = getService(ctx.store, id);
    const o = st.operators.find((x) => Buffer.compare(x.operator, operator) === 0);
    if (!o || o.alloc === 0n) continue;
    const c = (o.alloc * fraction + E18 - 1n) / E18; // rounded up: against the offender
    const cut = c < o.alloc ? c : o.alloc;
    const magnitude = (o.magnitude * (E18 - fraction)) / E18;
    setService(ctx.store, id, {
      ...st,
      operators: st.operators.map((x) => (x === o ? { ...x, alloc: o.alloc - cut, magnitude } : x)),
    });
    if (cut > 0n) send(ctx.store, strategyAccount(id), COMMUNITY_POOL, "ststra", cut);
    ctx.events.push(
      event("service_slash", { service: id, operator: encodeAddress(operator), fault, slashed: `${cut}ststra` }),
    );
  }
}
