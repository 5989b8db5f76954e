// Service strategies (EigenLayer-AVS-like): validators opt in as operators; the LRT's ststra
// allocated to the service is spread over them; the service pays a reward rate from its reward
// pool; when an operator is slashed by consensus its allocation is cut by the service's fraction.
// A slash multiplies the operator's magnitude (1.0 at start, only decreasing): O(1) per operator.
import type { ExecContext } from "../../context.ts";
import type { KVReader } from "../../store/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { encodeAddress } from "../../crypto/address.ts";
import { event } from "../../events.ts";
import { getBalance, send } from "../bank/keeper.ts";
import { getValidator } from "../staking/store.ts";
import { ValidatorStatus } from "../staking/types.ts";
import { COMMUNITY_POOL } from "../distribution/keeper.ts";
import { findStrategy, getRegistry, getService, setService, strategyAccount, strategyName, StrategyKind, type StrategyDefValue } from "./store.ts";

const E18 = 10n ** 18n;
const YEAR_MS = 31_536_000_000n;

function requireService(s: KVReader, id: string): StrategyDefValue {
  const d = findStrategy(s, id);
  if (!d || d.kind !== StrategyKind.Service) throw new StrataError(ErrorCode.UnknownStrategy, `no service strategy "${id}"`);
  return d;
}

export function optIn(ctx: ExecContext, operator: Uint8Array, id: string): void {
  requireService(ctx.store, id);
  const v = getValidator(ctx.store, operator);
  if (!v || v.status !== ValidatorStatus.Bonded || v.jailed) throw new StrataError(ErrorCode.NotAnOperator, `${encodeAddress(operator)} is not an active validator operator`);
  const st = getService(ctx.store, id);
  const cur = st.operators.find((o) => Buffer.compare(o.operator, operator) === 0);
  if (cur?.active) throw new StrataError(ErrorCode.AlreadyOptedIn, `already an operator of "${id}"`);
  const operators = cur ? st.operators.map((o) => (o === cur ? { ...o, active: true } : o)) : [...st.operators, { operator, alloc: 0n, magnitude: E18, active: true }];
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

/** ststra value of the service's position: Σ alloc × magnitude. */
export function serviceValue(s: KVReader, id: string): bigint {
  return getService(s, id).operators.reduce((a, o) => a + (o.alloc * o.magnitude) / E18, 0n);
}

export function exposure(s: KVReader, id: string): { operator: string; value: bigint }[] {
  return getService(s, id).operators.filter((o) => o.alloc > 0n).map((o) => ({ operator: encodeAddress(o.operator), value: (o.alloc * o.magnitude) / E18 }));
}

/** The LRT deposits `amount` ststra (already sent to the strategy account); spread over active operators. */
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
    // alloc is in magnitude-1.0 units: a deposit of `add` to a cut operator needs more units
    return { ...o, alloc: o.alloc + (add * E18) / o.magnitude };
  });
  setService(ctx.store, id, { ...st, operators });
}

/** Takes `amount` ststra of value out (inactive operators first, then pro rata); returns what came out. */
export function withdrawService(ctx: ExecContext, id: string, amount: bigint): bigint {
  const st = getService(ctx.store, id);
  let left = amount;
  const order = [...st.operators].sort((a, b) => Number(a.active) - Number(b.active));
  const next = new Map(st.operators.map((o) => [Buffer.from(o.operator).toString("hex"), o]));
  for (const o of order) {
    if (left === 0n) break;
    const value = (o.alloc * o.magnitude) / E18;
    const take = value < left ? value : left;
    if (take === 0n) continue;
    const units = take === value ? o.alloc : (take * E18 + o.magnitude - 1n) / o.magnitude;
    next.set(Buffer.from(o.operator).toString("hex"), { ...o, alloc: o.alloc - (units > o.alloc ? o.alloc : units) });
    left -= take;
  }
  setService(ctx.store, id, { ...st, operators: st.operators.map((o) => next.get(Buffer.from(o.operator).toString("hex"))!) });
  return amount - left;
}

/** Rewards since the last accrual: value (in stra, at `lstRate`) × rate × dt, from the reward pool to `to`. */
export function accrueService(ctx: ExecContext, d: StrategyDefValue, lstRate: bigint, to: Uint8Array): bigint {
  const id = strategyName(d);
  const st = getService(ctx.store, id);
  const dt = BigInt(Math.max(0, ctx.time - (st.lastAccrual || ctx.time)));
  setService(ctx.store, id, { ...st, lastAccrual: ctx.time });
  const valueStra = (serviceValue(ctx.store, id) * lstRate) / E18;
  let reward = (valueStra * d.rewardRate * dt) / (E18 * YEAR_MS);
  const acct = strategyAccount(id);
  const pool = getBalance(ctx.store, acct, "stra");
  if (reward > pool) reward = pool;
  if (reward > 0n) send(ctx.store, acct, to, "stra", reward);
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
    const before = (o.alloc * o.magnitude) / E18;
    const magnitude = (o.magnitude * (E18 - fraction)) / E18;
    const after = (o.alloc * magnitude) / E18;
    setService(ctx.store, id, { ...st, operators: st.operators.map((x) => (x === o ? { ...x, magnitude } : x)) });
    if (before > after) send(ctx.store, strategyAccount(id), COMMUNITY_POOL, "ststra", before - after);
    ctx.events.push(event("service_slash", { service: id, operator: encodeAddress(operator), fault, slashed: `${before - after}ststra` }));
  }
}
