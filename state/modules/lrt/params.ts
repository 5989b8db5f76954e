// lrt's params from JSON: genesis and params/update. Each error names the field.
import type { LrtParamsValue } from "./store.ts";
import { makeReaders, E18, type Fail } from "../../paramsParse.ts";

/** `services`: the ids the weights may name. Weights must sum to 100 %. */
export function parseLrtParams(
  v: unknown,
  cur: LrtParamsValue,
  services: readonly string[],
  field: string,
  fail: Fail,
): LrtParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["weights", "withdrawalDelayMs", "fee", "epochBlocks", "treasury"], field);
  let weights = cur.weights;
  if (o.weights !== undefined) {
    if (!Array.isArray(o.weights)) fail(`${field}.weights`, "must be an array");
    weights = o.weights.map((w: unknown, i: number) => {
      const wo = r.obj(w, `${field}.weights[${i}]`);
      r.onlyKeys(wo, ["strategy", "weight"], `${field}.weights[${i}]`);
      const sid = r.str(wo.strategy, `${field}.weights[${i}].strategy`);
      if (!services.includes(sid)) fail(`${field}.weights[${i}].strategy`, `"${sid}" is not a service strategy`);
      if ((o.weights as unknown[]).slice(0, i).some((x) => (x as Record<string, unknown>)?.strategy === sid))
        fail(`${field}.weights[${i}].strategy`, `"${sid}" is named twice`);
      return {
        strategy: new TextEncoder().encode(sid),
        weight: r.uint(wo.weight, `${field}.weights[${i}].weight`, E18),
      };
    });
    if (weights.length && weights.reduce((a, w) => a + w.weight, 0n) !== E18)
      fail(`${field}.weights`, "weights must sum to 1e18 (100 %)");
  }
  const p: LrtParamsValue = {
    weights,
    withdrawalDelayMs:
      o.withdrawalDelayMs === undefined
        ? cur.withdrawalDelayMs
        : Number(r.uint(o.withdrawalDelayMs, `${field}.withdrawalDelayMs`, 10n ** 13n)),
    fee: o.fee === undefined ? cur.fee : r.fraction(o.fee, `${field}.fee`),
    epochBlocks:
      o.epochBlocks === undefined ? cur.epochBlocks : Number(r.uint(o.epochBlocks, `${field}.epochBlocks`, 1_000_000n)),
    treasury: o.treasury === undefined ? cur.treasury : r.address(o.treasury, `${field}.treasury`),
  };
  if (p.epochBlocks < 1) fail(`${field}.epochBlocks`, "must be at least 1");
  return p;
}
