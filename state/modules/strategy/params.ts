// params/update {module: "strategy", params: {"add": [...]}}: the authority registers new
// strategies; a service's reward pool is paid from the authority's balance.
import type { ExecContext } from "../../context.ts";
import { MAX_AMOUNT } from "../../denoms.ts";
import { E18, makeReaders, type Fail } from "../../paramsParse.ts";
import { send } from "../bank/keeper.ts";
import { getRegistry, setRegistry, strategyAccount, strategyName, StrategyKind } from "./store.ts";

export function addStrategies(ctx: ExecContext, signer: Uint8Array, json: unknown, field: string, fail: Fail): void {
  const r = makeReaders(fail);
  const o = r.obj(json, field);
  r.onlyKeys(o, ["add"], field);
  if (!Array.isArray(o.add) || o.add.length === 0) fail(`${field}.add`, "must be a non-empty array");
  const reg = getRegistry(ctx.store);
  const enc = new TextEncoder();
  for (const [i, x] of (o.add as unknown[]).entries()) {
    const f = `${field}.add[${i}]`;
    const so = r.obj(x, f);
    r.onlyKeys(so, ["id", "kind", "rewardRate", "slashFraction", "downtimeSlashFraction", "rewardPool"], f);
    const id = r.str(so.id, `${f}.id`);
    if (!/^[a-z0-9-]{1,32}$/.test(id)) fail(`${f}.id`, "must be 1-32 of [a-z0-9-]");
    if (reg.some((d) => strategyName(d) === id)) fail(`${f}.id`, `strategy "${id}" exists`);
    const kind = r.str(so.kind, `${f}.kind`);
    if (kind !== "service" && kind !== "pool") fail(`${f}.kind`, 'must be "service" or "pool"');
    reg.push({
      id: enc.encode(id),
      kind: kind === "service" ? StrategyKind.Service : StrategyKind.Pool,
      ...parseStrategyFractions(so, f, fail),
    });
    const pool = so.rewardPool === undefined ? 0n : r.uint(so.rewardPool, `${f}.rewardPool`, MAX_AMOUNT);
    if (pool > 0n) send(ctx.store, signer, strategyAccount(id), "stra", pool);
  }
  setRegistry(ctx.store, reg);
}

/** A strategy's fault fractions: in [0, 1), so an operator's allocation is never cut to a zero magnitude. */
export function parseStrategyFractions(
  o: Record<string, unknown>,
  field: string,
  fail: Fail,
): { slashFraction: bigint; downtimeSlashFraction: bigint; rewardRate: bigint } {
  const r = makeReaders(fail);
  return {
    rewardRate: o.rewardRate === undefined ? 0n : r.uint(o.rewardRate, `${field}.rewardRate`, E18),
    slashFraction: o.slashFraction === undefined ? 0n : r.fraction(o.slashFraction, `${field}.slashFraction`),
    downtimeSlashFraction:
      o.downtimeSlashFraction === undefined
        ? 0n
        : r.fraction(o.downtimeSlashFraction, `${field}.downtimeSlashFraction`),
  };
}
