// Genesis: parsed and validated once, with errors that name the offending field, then applied
// to an empty store by initChain. Parsing a fixed RFC 3339 string is not a clock read.
import { ErrorCode, StrataError } from "./errors.ts";
import { parseTimestamp } from "./timestamp.ts";
import { STAKING_HOOKS } from "./app.ts";
import { decodeAddress, encodeAddress, addressFromPubkey } from "./crypto/address.ts";
import { isValidPublicKey } from "./crypto/ed25519.ts";
import { isDenom, MAX_AMOUNT, ONE } from "./denoms.ts";
import { DEFAULT_STAKING_PARAMS, ValidatorStatus, type StakingParamsValue } from "./modules/staking/types.ts";
import { setDelegationShares, setParams as setStakingParams, setValidator } from "./modules/staking/store.ts";
import { BONDED_POOL } from "./modules/staking/keeper.ts";
import { DEFAULT_DISTRIBUTION_PARAMS, setParams as setDistributionParams, type DistributionParamsValue } from "./modules/distribution/store.ts";
import { incrementPeriod, initializeDelegation, initializeValidator } from "./modules/distribution/keeper.ts";
import { Uint64Num } from "./encoding/types.ts";
import { DEFAULT_LRT_PARAMS, setParams as setLrtParams, type LrtParamsValue } from "./modules/lrt/store.ts";
import { setRegistry, strategyAccount, StrategyKind } from "./modules/strategy/store.ts";
import { optIn } from "./modules/strategy/service.ts";
import { addLiquidity } from "./modules/strategy/pool.ts";
import { stake as lstStake } from "./modules/lst/keeper.ts";
import type { ExecContext } from "./context.ts";
import { parseStrategyFractions, parseBlockParams, parseDistributionParams, parseLrtParams, parseLstParams, parseSlashingParams, parseStakingParams, parseTxParams } from "./paramsParse.ts";
import { DEFAULT_LST_PARAMS, setParams as setLstParams, type LstParamsValue } from "./modules/lst/store.ts";
import { DEFAULT_SLASHING_PARAMS, setParams as setSlashingParams, type SlashingParamsValue } from "./modules/slashing/store.ts";
import { MAX_CHAIN_ID_BYTES } from "./encoding/types.ts";
import { ChainKey } from "./keys.ts";
import { mint } from "./modules/bank/keeper.ts";
import {
  DEFAULT_BLOCK_PARAMS,
  DEFAULT_TX_PARAMS,
  setBlockParams,
  setTxParams,
  type BlockParamsValue,
  type TxParamsValue,
} from "./params.ts";
import type { Overlay } from "./store/overlay.ts";
import { setValidators, type ValidatorEntryValue } from "./validators.ts";

export type GenesisStrategy = { id: string; kind: "service" | "pool"; rewardRate: bigint; slashFraction: bigint; downtimeSlashFraction: bigint; rewardPool: bigint; liquidityStra: bigint; optInGenesisValidators: boolean };
export type GenesisAccount = { address: Uint8Array; balances: Map<string, bigint> };
export type Genesis = {
  stakingParams: StakingParamsValue;
  distributionParams: DistributionParamsValue;
  slashingParams: SlashingParamsValue;
  lstParams: LstParamsValue;
  lrtParams: LrtParamsValue;
  strategies: GenesisStrategy[];
  chainId: string;
  genesisTime: number;
  authority: Uint8Array;
  txParams: TxParamsValue;
  blockParams: BlockParamsValue;
  accounts: GenesisAccount[];
  validators: ValidatorEntryValue[];
};

function fail(field: string, why: string): never {
  throw new StrataError(ErrorCode.InvalidGenesis, `genesis.${field}: ${why}`);
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, "must be an object");
  return v as Record<string, unknown>;
}

function str(v: unknown, field: string): string {
  if (typeof v !== "string") fail(field, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function uint(v: unknown, field: string, max: bigint): bigint {
  const s = typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof s !== "string" || !/^(0|[1-9][0-9]*)$/.test(s)) fail(field, `must be a non-negative decimal integer string, got ${JSON.stringify(v)}`);
  const n = BigInt(s);
  if (n > max) fail(field, `must be at most ${max}`);
  return n;
}

function address(v: unknown, field: string): Uint8Array {
  try {
    return decodeAddress(str(v, field));
  } catch (e) {
    if (e instanceof StrataError && e.code === ErrorCode.InvalidAddress) fail(field, e.message);
    throw e;
  }
}

function onlyKeys(o: Record<string, unknown>, allowed: string[], field: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${field}${field ? "." : ""}${k}`, "unknown field");
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

export function parseGenesis(json: unknown): Genesis {
  const g = obj(json, "");
  onlyKeys(g, ["chainId", "genesisTime", "authority", "params", "accounts", "validators"], "");
  const chainId = str(g.chainId, "chainId");
  if (!/^[a-zA-Z0-9._-]{1,64}$/.test(chainId) || chainId.length > MAX_CHAIN_ID_BYTES) {
    fail("chainId", "must be 1-64 characters of [a-zA-Z0-9._-]");
  }
  const genesisTime = parseTimestamp(g.genesisTime, "genesis.genesisTime");
  const authority = address(g.authority, "authority");

  const params = obj(g.params ?? {}, "params");
  onlyKeys(params, ["tx", "block", "staking", "distribution", "slashing", "lst", "lrt", "strategies"], "params");
  const strategies = (Array.isArray(params.strategies) ? params.strategies : params.strategies === undefined ? [] : fail("params.strategies", "must be an array")).map((x: unknown, i: number): GenesisStrategy => {
    const f = `params.strategies[${i}]`;
    const o = obj(x, f);
    onlyKeys(o, ["id", "kind", "rewardRate", "slashFraction", "downtimeSlashFraction", "rewardPool", "liquidityStra", "optInGenesisValidators"], f);
    const id = str(o.id, `${f}.id`);
    if (!/^[a-z0-9-]{1,32}$/.test(id)) fail(`${f}.id`, "must be 1-32 of [a-z0-9-]");
    const kind = str(o.kind, `${f}.kind`);
    if (kind !== "service" && kind !== "pool") fail(`${f}.kind`, 'must be "service" or "pool"');
    return {
      id,
      kind,
      ...parseStrategyFractions(o, f, fail),
      rewardPool: o.rewardPool === undefined ? 0n : uint(o.rewardPool, `${f}.rewardPool`, MAX_AMOUNT),
      liquidityStra: o.liquidityStra === undefined ? 0n : uint(o.liquidityStra, `${f}.liquidityStra`, MAX_AMOUNT),
      optInGenesisValidators: o.optInGenesisValidators === true,
    };
  });
  if (new Set(strategies.map((x) => x.id)).size !== strategies.length) fail("params.strategies", "duplicate strategy id");
  const lrtParams = parseLrtParams(params.lrt, DEFAULT_LRT_PARAMS, strategies.filter((x) => x.kind === "service").map((x) => x.id), "params.lrt", fail);
  const lstParams = parseLstParams(params.lst, DEFAULT_LST_PARAMS, "params.lst", fail);
  const slashingParams = parseSlashingParams(params.slashing, DEFAULT_SLASHING_PARAMS, "params.slashing", fail);
  const stakingParams = parseStakingParams(params.staking, DEFAULT_STAKING_PARAMS, "params.staking", fail);
  const distributionParams = parseDistributionParams(params.distribution, DEFAULT_DISTRIBUTION_PARAMS, "params.distribution", fail);
  const txParams = parseTxParams(params.tx, DEFAULT_TX_PARAMS, "params.tx", fail);
  const blockParams = parseBlockParams(params.block, DEFAULT_BLOCK_PARAMS, txParams.maxTxBytes, "params.block", fail);

  if (!Array.isArray(g.accounts)) fail("accounts", "must be an array");
  const seen = new Set<string>();
  const supply = new Map<string, bigint>();
  const accounts = g.accounts.map((a, i): GenesisAccount => {
    const f = `accounts[${i}]`;
    const ao = obj(a, f);
    onlyKeys(ao, ["address", "balances"], f);
    const addr = address(ao.address, `${f}.address`);
    const key = encodeAddress(addr);
    if (seen.has(key)) fail(`${f}.address`, `duplicate account ${key}`);
    seen.add(key);
    const balances = new Map<string, bigint>();
    for (const [denom, amt] of Object.entries(obj(ao.balances, `${f}.balances`))) {
      if (!isDenom(denom)) fail(`${f}.balances.${denom}`, "unknown denom (known: stra, ststra, rststra)");
      const n = uint(amt, `${f}.balances.${denom}`, MAX_AMOUNT);
      const total = (supply.get(denom) ?? 0n) + n;
      if (total > MAX_AMOUNT) fail(`${f}.balances.${denom}`, "total supply would exceed 2^128-1");
      supply.set(denom, total);
      if (n > 0n) balances.set(denom, n);
    }
    return { address: addr, balances };
  });

  if (!Array.isArray(g.validators) || g.validators.length === 0) fail("validators", "must be a non-empty array");
  const seenVal = new Set<string>();
  const validators = g.validators.map((v, i): ValidatorEntryValue => {
    const f = `validators[${i}]`;
    const vo = obj(v, f);
    onlyKeys(vo, ["pubkey", "power", "moniker", "address"], f);
    const pkHex = str(vo.pubkey, `${f}.pubkey`);
    if (!HEX64.test(pkHex)) fail(`${f}.pubkey`, "must be 32 bytes of hex");
    const pubkey = new Uint8Array(Buffer.from(pkHex, "hex"));
    if (!isValidPublicKey(pubkey)) fail(`${f}.pubkey`, "is not a valid ed25519 public key");
    if (seenVal.has(pkHex.toLowerCase())) fail(`${f}.pubkey`, "duplicate validator");
    seenVal.add(pkHex.toLowerCase());
    if (vo.address !== undefined && encodeAddress(addressFromPubkey(pubkey)) !== vo.address) {
      fail(`${f}.address`, "does not match the address of pubkey");
    }
    const power = Number(uint(vo.power, `${f}.power`, BigInt(Number.MAX_SAFE_INTEGER) / 8n));
    if (power < 1) fail(`${f}.power`, "must be at least 1");
    const moniker = new TextEncoder().encode(vo.moniker === undefined ? `validator${i}` : str(vo.moniker, `${f}.moniker`));
    if (moniker.length > 64) fail(`${f}.moniker`, "must be at most 64 bytes");
    return { pubkey, power, moniker };
  });
  if (lstParams.treasury.every((b) => b === 0)) lstParams.treasury = authority;
  if (lrtParams.treasury.every((b) => b === 0)) lrtParams.treasury = authority;
  return { chainId, genesisTime, authority, txParams, blockParams, stakingParams, distributionParams, slashingParams, lstParams, lrtParams, strategies, accounts, validators };
}

/**
 * Writes genesis into an empty store: params, balances, and each genesis validator as a staking
 * validator whose operator is its consensus address, self-bonded with power × 10^18 stra
 * (minted into the bonded pool), 10 % commission.
 */
export function initChain(store: Overlay, g: Genesis): void {
  setTxParams(store, g.txParams);
  setBlockParams(store, g.blockParams);
  setStakingParams(store, g.stakingParams);
  setDistributionParams(store, g.distributionParams);
  setSlashingParams(store, g.slashingParams);
  setLstParams(store, g.lstParams);
  setValidators(store, g.validators);
  store.set(ChainKey.authority, g.authority);
  store.set(ChainKey.chainId, new TextEncoder().encode(g.chainId));
  store.set(ChainKey.lastBlockTime, Uint64Num.serialize(g.genesisTime));
  for (const a of g.accounts) for (const [denom, amt] of a.balances) mint(store, a.address, denom, amt);
  const ctx = { store, chainId: g.chainId, height: 0, time: g.genesisTime, txParams: g.txParams, events: [], hooks: STAKING_HOOKS };
  for (const v of g.validators) {
    const operator = addressFromPubkey(v.pubkey);
    const tokens = BigInt(v.power) * ONE;
    mint(store, BONDED_POOL, "stra", tokens);
    setValidator(store, { operator, consensusPubkey: v.pubkey, moniker: v.moniker, commissionRate: ONE / 10n, maxCommissionRate: ONE / 5n, tokens, shares: tokens, status: ValidatorStatus.Bonded, jailed: false, tombstoned: false, jailedUntil: 0, commissionUpdatedAt: 0 });
    initializeValidator(ctx, operator);
    setDelegationShares(store, operator, operator, tokens);
    incrementPeriod(ctx, operator);
    initializeDelegation(ctx, operator, operator);
  }
  setLrtParams(store, g.lrtParams);
  initStrategies(ctx, g);
}

/**
 * Strategies: the registry, each service's reward pool (minted into its account) and genesis
 * operators, and each pool's opening liquidity: half in stra, half in ststra obtained by liquid
 * staking at genesis (so it is fully backed); its LP shares belong to the authority.
 */
function initStrategies(ctx: ExecContext, g: Genesis): void {
  const enc = new TextEncoder();
  setRegistry(ctx.store, g.strategies.map((x) => ({ id: enc.encode(x.id), kind: x.kind === "service" ? StrategyKind.Service : StrategyKind.Pool, rewardRate: x.rewardRate, slashFraction: x.slashFraction, downtimeSlashFraction: x.downtimeSlashFraction })));
  for (const x of g.strategies) {
    const acct = strategyAccount(x.id);
    if (x.kind === "service") {
      if (x.rewardPool > 0n) mint(ctx.store, acct, "stra", x.rewardPool);
      if (x.optInGenesisValidators) for (const v of g.validators) optIn(ctx, addressFromPubkey(v.pubkey), x.id);
    } else if (x.liquidityStra > 0n) {
      mint(ctx.store, g.authority, "stra", 2n * x.liquidityStra);
      const st = lstStake(ctx, g.authority, x.liquidityStra);
      addLiquidity(ctx, g.authority, x.id, x.liquidityStra, st);
    }
  }
}
