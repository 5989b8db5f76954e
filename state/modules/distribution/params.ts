// distribution's params from JSON: genesis and params/update. Each error names the field.
import type { DistributionParamsValue } from "./store.ts";
import { makeReaders, E18, type Fail } from "../../paramsParse.ts";

export function parseDistributionParams(
  v: unknown,
  cur: DistributionParamsValue,
  field: string,
  fail: Fail,
): DistributionParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["communityTax", "inflationRate"], field);
  return {
    communityTax: o.communityTax === undefined ? cur.communityTax : r.fraction(o.communityTax, `${field}.communityTax`),
    inflationRate:
      o.inflationRate === undefined ? cur.inflationRate : r.uint(o.inflationRate, `${field}.inflationRate`, E18),
  };
}
