// lst's params from JSON: genesis (defaults = DEFAULT_LST_PARAMS) and params/update (defaults =
// the current values). Each error names the field.
import type { LstParamsValue } from "./store.ts";
import { makeReaders, E18, type Fail } from "../../paramsParse.ts";

export function parseLstParams(v: unknown, cur: LstParamsValue, field: string, fail: Fail): LstParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["epochBlocks", "protocolFee", "maxValidatorShare", "maxRateDrop", "maxRateRise", "treasury"], field);
  const frac = (k: "protocolFee" | "maxRateDrop") => (o[k] === undefined ? cur[k] : r.fraction(o[k], `${field}.${k}`));
  const upTo1 = (k: "maxValidatorShare" | "maxRateRise") =>
    o[k] === undefined ? cur[k] : r.uint(o[k], `${field}.${k}`, E18);
  const p: LstParamsValue = {
    epochBlocks:
      o.epochBlocks === undefined ? cur.epochBlocks : Number(r.uint(o.epochBlocks, `${field}.epochBlocks`, 1_000_000n)),
    protocolFee: frac("protocolFee"),
    maxValidatorShare: upTo1("maxValidatorShare"),
    maxRateDrop: frac("maxRateDrop"),
    maxRateRise: upTo1("maxRateRise"),
    treasury: o.treasury === undefined ? cur.treasury : r.address(o.treasury, `${field}.treasury`),
  };
  if (p.epochBlocks < 1) fail(`${field}.epochBlocks`, "must be at least 1");
  if (p.maxValidatorShare === 0n) fail(`${field}.maxValidatorShare`, "must be above 0");
  return p;
}
