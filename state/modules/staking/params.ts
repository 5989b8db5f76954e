// staking's params from JSON: genesis and params/update. Each error names the field.
import type { StakingParamsValue } from "./types.ts";
import { MAX_AMOUNT } from "../../denoms.ts";
import { makeReaders, E18, type Fail } from "../../paramsParse.ts";

export function parseStakingParams(v: unknown, cur: StakingParamsValue, field: string, fail: Fail): StakingParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(
    o,
    [
      "unbondingTimeMs",
      "maxValidators",
      "maxEntries",
      "minSelfStake",
      "commissionChangeIntervalMs",
      "maxCommissionChange",
    ],
    field,
  );
  const num = (k: "unbondingTimeMs" | "maxValidators" | "maxEntries" | "commissionChangeIntervalMs", max: bigint) =>
    o[k] === undefined ? cur[k] : Number(r.uint(o[k], `${field}.${k}`, max));
  const p: StakingParamsValue = {
    unbondingTimeMs: num("unbondingTimeMs", 10n ** 13n),
    maxValidators: num("maxValidators", 1000n),
    maxEntries: num("maxEntries", 64n),
    minSelfStake:
      o.minSelfStake === undefined ? cur.minSelfStake : r.uint(o.minSelfStake, `${field}.minSelfStake`, MAX_AMOUNT),
    commissionChangeIntervalMs: num("commissionChangeIntervalMs", 10n ** 13n),
    maxCommissionChange:
      o.maxCommissionChange === undefined
        ? cur.maxCommissionChange
        : r.uint(o.maxCommissionChange, `${field}.maxCommissionChange`, E18),
  };
  if (p.maxValidators < 1) fail(`${field}.maxValidators`, "must be at least 1");
  if (p.maxEntries < 1) fail(`${field}.maxEntries`, "must be at least 1");
  return p;
}
