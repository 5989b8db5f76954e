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

/**
 * A params record as JSON in the form the params parsers read (params/update, genesis). Bytes are
 * an address only in a `treasury` field; elsewhere they are an id (a 20-character strategy id
 * must not come out as bech32).
 */
export function paramsJson(v: unknown, key = ""): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return key === "treasury" ? encodeAddress(v) : Buffer.from(v).toString();
  if (Array.isArray(v)) return v.map((x) => paramsJson(x, key));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, paramsJson(x, k)]));
  return v;
}

/** The strategy registry as `params.strategies` names it (without genesis-only funding fields). */
export function strategiesJson(s: KVReader): unknown[] {
  return getRegistry(s).map((d) => ({
    id: strategyName(d),
    kind: d.kind === StrategyKind.Service ? "service" : "pool",
    rewardRate: d.rewardRate.toString(),
    slashFraction: d.slashFraction.toString(),
    downtimeSlashFraction: d.downtimeSlashFraction.toString(),
  }));
}

export const PARAM_SPACES = [
  "tx",
  "block",
  "evidence",
  "staking",
  "slashing",
  "distribution",
  "lst",
  "lrt",
  "strategy",
] as const;

export function queryParams(s: KVReader): Record<(typeof PARAM_SPACES)[number], unknown> {
  return {
    tx: paramsJson(getTxParams(s)),
    block: paramsJson(getBlockParams(s)),
    evidence: paramsJson(getEvidenceParams(s)),
    staking: paramsJson(staking(s)),
    slashing: paramsJson(slashing(s)),
    distribution: paramsJson(distribution(s)),
    lst: paramsJson(lst(s)),
    lrt: paramsJson(lrt(s)),
    strategy: strategiesJson(s),
  };
}
