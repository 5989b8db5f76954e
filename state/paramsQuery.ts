// Every parameter space as JSON (`params` RPC, `strata query params`): the chain's tx and block
// params and each module's, as params/update would name them. Amounts and fractions are decimal
// strings (fractions 18-decimal), addresses bech32, ids text.
import type { KVReader } from "./store/types.ts";
import { encodeAddress } from "./crypto/address.ts";
import { getBlockParams, getTxParams } from "./params.ts";
import { getEvidenceParams } from "./evidenceParams.ts";
import { getParams as staking } from "./modules/staking/store.ts";
import { getParams as slashing } from "./modules/slashing/store.ts";
import { getParams as distribution } from "./modules/distribution/store.ts";
import { getParams as lst } from "./modules/lst/store.ts";
import { getParams as lrt } from "./modules/lrt/store.ts";
import { getRegistry, strategyName, StrategyKind } from "./modules/strategy/store.ts";

function json(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return v.length === 20 ? encodeAddress(v) : Buffer.from(v).toString();
  if (Array.isArray(v)) return v.map(json);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, json(x)]));
  return v;
}

export const PARAM_SPACES = ["tx", "block", "evidence", "staking", "slashing", "distribution", "lst", "lrt", "strategy"] as const;

export function queryParams(s: KVReader): Record<(typeof PARAM_SPACES)[number], unknown> {
  return {
    tx: json(getTxParams(s)),
    block: json(getBlockParams(s)),
    evidence: json(getEvidenceParams(s)),
    staking: json(staking(s)),
    slashing: json(slashing(s)),
    distribution: json(distribution(s)),
    lst: json(lst(s)),
    lrt: json(lrt(s)),
    strategy: getRegistry(s).map((d) => ({ id: strategyName(d), kind: d.kind === StrategyKind.Service ? "service" : "pool", rewardRate: d.rewardRate.toString(), slashFraction: d.slashFraction.toString(), downtimeSlashFraction: d.downtimeSlashFraction.toString() })),
  };
}
