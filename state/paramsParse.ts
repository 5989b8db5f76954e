// Parsers of module params from JSON, shared by genesis (defaults = the module defaults) and
// params/update (defaults = the current values, so an update names only what changes). Each
// error names the field; the caller decides the error code and prefix.
import { decodeAddress } from "./crypto/address.ts";
import { MAX_AMOUNT } from "./denoms.ts";
import type { LrtParamsValue } from "./modules/lrt/store.ts";
import type { LstParamsValue } from "./modules/lst/store.ts";
import type { BlockParamsValue, TxParamsValue } from "./params.ts";
import type { StakingParamsValue } from "./modules/staking/types.ts";
import type { SlashingParamsValue } from "./modules/slashing/store.ts";
import type { DistributionParamsValue } from "./modules/distribution/store.ts";

export type Fail = (field: string, why: string) => never;
const E18 = 10n ** 18n;

export function makeReaders(fail: Fail) {
  const obj = (v: unknown, field: string): Record<string, unknown> => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, "must be an object");
    return v as Record<string, unknown>;
  };
  const str = (v: unknown, field: string): string => {
    if (typeof v !== "string") fail(field, `must be a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const uint = (v: unknown, field: string, max: bigint): bigint => {
    const s = typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v;
    if (typeof s !== "string" || !/^(0|[1-9][0-9]*)$/.test(s)) fail(field, `must be a non-negative decimal integer string, got ${JSON.stringify(v)}`);
    const n = BigInt(s);
    if (n > max) fail(field, `must be at most ${max}`);
    return n;
  };
  const address = (v: unknown, field: string): Uint8Array => {
    try {
      return decodeAddress(str(v, field));
    } catch (e) {
      return fail(field, (e as Error).message);
    }
  };
  const onlyKeys = (o: Record<string, unknown>, allowed: string[], field: string): void => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${field}${field ? "." : ""}${k}`, "unknown field");
  };
  /**
   * An 18-decimal fraction in [0, 1): 1.0 would zero a denominator somewhere downstream (a
   * magnitude, a fee base, a validator's tokens), so it is refused where the field is read.
   */
  const fraction = (v: unknown, field: string): bigint => {
    const n = uint(v, field, E18);
    if (n >= E18) fail(field, `must be a fraction below 1e18 (100 %), got ${n}`);
    return n;
  };
  return { obj, str, uint, address, onlyKeys, fraction };
}

export function parseTxParams(v: unknown, cur: TxParamsValue, field: string, fail: Fail): TxParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["minGasPrice", "maxTxBytes"], field);
  const p: TxParamsValue = {
    minGasPrice: o.minGasPrice === undefined ? cur.minGasPrice : r.uint(o.minGasPrice, `${field}.minGasPrice`, MAX_AMOUNT),
    maxTxBytes: o.maxTxBytes === undefined ? cur.maxTxBytes : Number(r.uint(o.maxTxBytes, `${field}.maxTxBytes`, 65536n)),
  };
  if (p.maxTxBytes < 256) fail(`${field}.maxTxBytes`, "must be at least 256");
  return p;
}

export function parseLstParams(v: unknown, cur: LstParamsValue, field: string, fail: Fail): LstParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["epochBlocks", "protocolFee", "maxValidatorShare", "maxRateDrop", "maxRateRise", "treasury"], field);
  const frac = (k: "protocolFee" | "maxRateDrop") => (o[k] === undefined ? cur[k] : r.fraction(o[k], `${field}.${k}`));
  const upTo1 = (k: "maxValidatorShare" | "maxRateRise") => (o[k] === undefined ? cur[k] : r.uint(o[k], `${field}.${k}`, E18));
  const p: LstParamsValue = {
    epochBlocks: o.epochBlocks === undefined ? cur.epochBlocks : Number(r.uint(o.epochBlocks, `${field}.epochBlocks`, 1_000_000n)),
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

/** `services`: the ids the weights may name. Weights must sum to 100 %. */
export function parseLrtParams(v: unknown, cur: LrtParamsValue, services: readonly string[], field: string, fail: Fail): LrtParamsValue {
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
      if ((o.weights as unknown[]).slice(0, i).some((x) => (x as Record<string, unknown>)?.strategy === sid)) fail(`${field}.weights[${i}].strategy`, `"${sid}" is named twice`);
      return { strategy: new TextEncoder().encode(sid), weight: r.uint(wo.weight, `${field}.weights[${i}].weight`, E18) };
    });
    if (weights.length && weights.reduce((a, w) => a + w.weight, 0n) !== E18) fail(`${field}.weights`, "weights must sum to 1e18 (100 %)");
  }
  const p: LrtParamsValue = {
    weights,
    withdrawalDelayMs: o.withdrawalDelayMs === undefined ? cur.withdrawalDelayMs : Number(r.uint(o.withdrawalDelayMs, `${field}.withdrawalDelayMs`, 10n ** 13n)),
    fee: o.fee === undefined ? cur.fee : r.fraction(o.fee, `${field}.fee`),
    epochBlocks: o.epochBlocks === undefined ? cur.epochBlocks : Number(r.uint(o.epochBlocks, `${field}.epochBlocks`, 1_000_000n)),
    treasury: o.treasury === undefined ? cur.treasury : r.address(o.treasury, `${field}.treasury`),
  };
  if (p.epochBlocks < 1) fail(`${field}.epochBlocks`, "must be at least 1");
  return p;
}

export function parseStakingParams(v: unknown, cur: StakingParamsValue, field: string, fail: Fail): StakingParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["unbondingTimeMs", "maxValidators", "maxEntries", "minSelfStake", "commissionChangeIntervalMs", "maxCommissionChange"], field);
  const num = (k: "unbondingTimeMs" | "maxValidators" | "maxEntries" | "commissionChangeIntervalMs", max: bigint) => (o[k] === undefined ? cur[k] : Number(r.uint(o[k], `${field}.${k}`, max)));
  const p: StakingParamsValue = {
    unbondingTimeMs: num("unbondingTimeMs", 10n ** 13n),
    maxValidators: num("maxValidators", 1000n),
    maxEntries: num("maxEntries", 64n),
    minSelfStake: o.minSelfStake === undefined ? cur.minSelfStake : r.uint(o.minSelfStake, `${field}.minSelfStake`, MAX_AMOUNT),
    commissionChangeIntervalMs: num("commissionChangeIntervalMs", 10n ** 13n),
    maxCommissionChange: o.maxCommissionChange === undefined ? cur.maxCommissionChange : r.uint(o.maxCommissionChange, `${field}.maxCommissionChange`, E18),
  };
  if (p.maxValidators < 1) fail(`${field}.maxValidators`, "must be at least 1");
  if (p.maxEntries < 1) fail(`${field}.maxEntries`, "must be at least 1");
  return p;
}

export function parseSlashingParams(v: unknown, cur: SlashingParamsValue, field: string, fail: Fail): SlashingParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["signedBlocksWindow", "minSignedPerWindow", "downtimeJailMs", "slashFractionDoubleSign", "slashFractionDowntime"], field);
  const frac = (k: "minSignedPerWindow" | "slashFractionDoubleSign" | "slashFractionDowntime") => (o[k] === undefined ? cur[k] : k === "minSignedPerWindow" ? r.uint(o[k], `${field}.${k}`, E18) : r.fraction(o[k], `${field}.${k}`));
  const p: SlashingParamsValue = {
    signedBlocksWindow: o.signedBlocksWindow === undefined ? cur.signedBlocksWindow : Number(r.uint(o.signedBlocksWindow, `${field}.signedBlocksWindow`, 8192n)),
    minSignedPerWindow: frac("minSignedPerWindow"),
    downtimeJailMs: o.downtimeJailMs === undefined ? cur.downtimeJailMs : Number(r.uint(o.downtimeJailMs, `${field}.downtimeJailMs`, 10n ** 13n)),
    slashFractionDoubleSign: frac("slashFractionDoubleSign"),
    slashFractionDowntime: frac("slashFractionDowntime"),
  };
  if (p.signedBlocksWindow < 2) fail(`${field}.signedBlocksWindow`, "must be at least 2");
  return p;
}

export function parseDistributionParams(v: unknown, cur: DistributionParamsValue, field: string, fail: Fail): DistributionParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["communityTax", "inflationRate"], field);
  return {
    communityTax: o.communityTax === undefined ? cur.communityTax : r.fraction(o.communityTax, `${field}.communityTax`),
    inflationRate: o.inflationRate === undefined ? cur.inflationRate : r.uint(o.inflationRate, `${field}.inflationRate`, E18),
  };
}

/** `maxTxBytes`: the tx size limit in force; a block must be able to hold one tx. */
/** A strategy's fault fractions: in [0, 1), so an operator's allocation is never cut to a zero magnitude. */
export function parseStrategyFractions(o: Record<string, unknown>, field: string, fail: Fail): { slashFraction: bigint; downtimeSlashFraction: bigint; rewardRate: bigint } {
  const r = makeReaders(fail);
  return {
    rewardRate: o.rewardRate === undefined ? 0n : r.uint(o.rewardRate, `${field}.rewardRate`, E18),
    slashFraction: o.slashFraction === undefined ? 0n : r.fraction(o.slashFraction, `${field}.slashFraction`),
    downtimeSlashFraction: o.downtimeSlashFraction === undefined ? 0n : r.fraction(o.downtimeSlashFraction, `${field}.downtimeSlashFraction`),
  };
}

export function parseBlockParams(v: unknown, cur: BlockParamsValue, maxTxBytes: number, field: string, fail: Fail): BlockParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["maxTxs", "maxBytes", "maxGas"], field);
  const p: BlockParamsValue = {
    maxTxs: o.maxTxs === undefined ? cur.maxTxs : Number(r.uint(o.maxTxs, `${field}.maxTxs`, 65536n)),
    maxBytes: o.maxBytes === undefined ? cur.maxBytes : Number(r.uint(o.maxBytes, `${field}.maxBytes`, 64n << 20n)),
    maxGas: o.maxGas === undefined ? cur.maxGas : r.uint(o.maxGas, `${field}.maxGas`, (1n << 63n) - 1n),
  };
  if (p.maxTxs < 1) fail(`${field}.maxTxs`, "must be at least 1");
  if (p.maxBytes < maxTxBytes) fail(`${field}.maxBytes`, "must be at least params.tx.maxTxBytes");
  // a block must be able to hold the largest tx: base + per-byte cost + a 16-message tx's gas
  if (p.maxGas < 10_000_000n) fail(`${field}.maxGas`, "must be at least 10000000 (a block must hold any single valid tx)");
  return p;
}
