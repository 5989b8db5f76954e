// Genesis: parsed and validated once, with errors that name the offending field, then applied
// to an empty store by initChain. The chain's own part (chain id, time, authority, tx and block
// params, accounts, validators) is here; each module parses and writes its own part of `params`
// through its manifest's `genesis`. Parsing a fixed RFC 3339 string is not a clock read.
import { ErrorCode, StrataError } from "./errors.ts";
import { parseTimestamp } from "./timestamp.ts";
import { setLastBlockTime } from "./lastBlockTime.ts";
import { APP } from "./app.ts";
import { encodeAddress, addressFromPubkey } from "./crypto/address.ts";
import { isValidPublicKey } from "./crypto/ed25519.ts";
import { isDenom, MAX_AMOUNT, ONE } from "./denoms.ts";
import { ValidatorStatus } from "./modules/staking/types.ts";
import { setDelegationShares, setValidator } from "./modules/staking/store.ts";
import { BONDED_POOL } from "./modules/staking/keeper.ts";
import { incrementPeriod, initializeDelegation, initializeValidator } from "./modules/distribution/keeper.ts";
import { MAX_CHAIN_ID_BYTES } from "./encoding/types.ts";
import { makeReaders, parseBlockParams, parseTxParams } from "./paramsParse.ts";
import {
  DEFAULT_EVIDENCE_PARAMS,
  parseEvidenceParams,
  setEvidenceParams,
  type EvidenceParamsValue,
} from "./evidenceParams.ts";
import { ChainKey } from "./keys.ts";
import { mint, setNonce } from "./modules/bank/keeper.ts";
import { updateActiveSet } from "./modules/staking/keeper.ts";
import type { ExecContext } from "./context.ts";
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

export type GenesisAccount = { address: Uint8Array; balances: Map<string, bigint>; nonce: bigint };
/** An exported chain's records (`strata export`), by module, with the height they were taken at. */
export type GenesisState = { height: number; records: ReadonlyMap<string, readonly [Uint8Array, Uint8Array][]> };
export type Genesis = {
  chainId: string;
  genesisTime: number;
  authority: Uint8Array;
  txParams: TxParamsValue;
  blockParams: BlockParamsValue;
  evidenceParams: EvidenceParamsValue;
  accounts: GenesisAccount[];
  validators: ValidatorEntryValue[];
  /** each module's parsed part of `params` (its manifest's `genesis`), by module name */
  modules: ReadonlyMap<string, unknown>;
  /** the raw `params` object, for the modules' genesis context */
  params: Readonly<Record<string, unknown>>;
  /**
   * Present in a genesis made by `strata export`: the modules' records are written as they are,
   * and the validators are the staking module's, not new self-bonded ones.
   */
  state?: GenesisState;
};

function fail(field: string, why: string): never {
  throw new StrataError(ErrorCode.InvalidGenesis, `genesis.${field}: ${why}`);
}

// the same field readers as params/update's, failing with InvalidGenesis and the field's name
const { obj, str, uint, address, onlyKeys } = makeReaders(fail);

const HEX64 = /^[0-9a-fA-F]{64}$/;

export function parseGenesis(json: unknown): Genesis {
  const g = obj(json, "");
  onlyKeys(g, ["chainId", "genesisTime", "authority", "params", "accounts", "validators", "state"], "");
  const chainId = str(g.chainId, "chainId");
  if (!/^[a-zA-Z0-9._-]{1,64}$/.test(chainId) || chainId.length > MAX_CHAIN_ID_BYTES) {
    fail("chainId", "must be 1-64 characters of [a-zA-Z0-9._-]");
  }
  const genesisTime = parseTimestamp(g.genesisTime, "genesis.genesisTime");
  const authority = address(g.authority, "authority");

  const params = obj(g.params ?? {}, "params");
  const parts = APP.modules.filter((m) => m.genesis).map((m) => ({ name: m.name, def: m.genesis! }));
  onlyKeys(params, ["tx", "block", "evidence", ...parts.map((p) => p.def.key)], "params");
  const txParams = parseTxParams(params.tx, DEFAULT_TX_PARAMS, "params.tx", fail);
  const blockParams = parseBlockParams(params.block, DEFAULT_BLOCK_PARAMS, txParams.maxTxBytes, "params.block", fail);
  const evidenceParams = parseEvidenceParams(params.evidence, DEFAULT_EVIDENCE_PARAMS, "params.evidence", fail);

  if (!Array.isArray(g.accounts)) fail("accounts", "must be an array");
  const seen = new Set<string>();
  const supply = new Map<string, bigint>();
  const accounts = g.accounts.map((a, i): GenesisAccount => {
    const f = `accounts[${i}]`;
    const ao = obj(a, f);
    onlyKeys(ao, ["address", "balances", "nonce"], f);
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
    const nonce = ao.nonce === undefined ? 0n : uint(ao.nonce, `${f}.nonce`, 2n ** 64n - 1n);
    return { address: addr, balances, nonce };
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
    const moniker = new TextEncoder().encode(
      vo.moniker === undefined ? `validator${i}` : str(vo.moniker, `${f}.moniker`),
    );
    if (moniker.length > 64) fail(`${f}.moniker`, "must be at most 64 bytes");
    return { pubkey, power, moniker };
  });
  const context = { authority, params, validators };
  const modules = new Map(
    parts.map((p) => [p.name, p.def.parse(params[p.def.key], context, `params.${p.def.key}`, fail)]),
  );
  const state = g.state === undefined ? undefined : parseState(g.state);
  return {
    chainId,
    genesisTime,
    authority,
    txParams,
    blockParams,
    evidenceParams,
    accounts,
    validators,
    modules,
    params,
    ...(state ? { state } : {}),
  };
}

const HEX = /^([0-9a-f]{2})+$/;

/** `state`: `{height, records: {<module>: [[keyHex, valueHex], ...]}}`, each key under its module's prefix. */
function parseState(json: unknown): GenesisState {
  const o = obj(json, "state");
  onlyKeys(o, ["height", "records"], "state");
  const height = Number(uint(o.height, "state.height", BigInt(Number.MAX_SAFE_INTEGER)));
  const raw = obj(o.records, "state.records");
  const owners = new Map(
    APP.modules.filter((m) => m.genesis?.records).map((m) => [m.name, m.genesis!.records!.prefix]),
  );
  onlyKeys(raw, [...owners.keys()], "state.records");
  const records = new Map<string, [Uint8Array, Uint8Array][]>();
  for (const [name, list] of Object.entries(raw)) {
    const f = `state.records.${name}`;
    if (!Array.isArray(list)) fail(f, "must be an array of [keyHex, valueHex]");
    const seen = new Set<string>();
    records.set(
      name,
      list.map((r: unknown, i: number): [Uint8Array, Uint8Array] => {
        if (
          !Array.isArray(r) ||
          r.length !== 2 ||
          typeof r[0] !== "string" ||
          typeof r[1] !== "string" ||
          !HEX.test(r[0]) ||
          !(r[1] === "" || HEX.test(r[1]))
        ) {
          fail(`${f}[${i}]`, "must be [keyHex, valueHex] in lower-case hex");
        }
        const key = new Uint8Array(Buffer.from(r[0], "hex"));
        if (key[0] !== owners.get(name) || key.length < 2)
          fail(`${f}[${i}]`, `key ${r[0]} is not under the ${name} module's prefix`);
        if (seen.has(r[0])) fail(`${f}[${i}]`, `duplicate key ${r[0]}`);
        seen.add(r[0]);
        return [key, new Uint8Array(Buffer.from(r[1], "hex"))];
      }),
    );
  }
  return { height, records };
}

/**
 * Writes genesis into an empty store: params, balances, and each genesis validator as a staking
 * validator whose operator is its consensus address, self-bonded with power × 10^18 stra
 * (minted into the bonded pool), 10 % commission.
 */
export function initChain(store: Overlay, g: Genesis): void {
  setTxParams(store, g.txParams);
  setBlockParams(store, g.blockParams);
  setEvidenceParams(store, g.evidenceParams);
  setValidators(store, g.validators);
  store.set(ChainKey.authority, g.authority);
  store.set(ChainKey.chainId, new TextEncoder().encode(g.chainId));
  setLastBlockTime(store, g.genesisTime);
  for (const a of g.accounts) for (const [denom, amt] of a.balances) mint(store, a.address, denom, amt);
  for (const a of g.accounts) if (a.nonce > 0n) setNonce(store, a.address, a.nonce);
  const ctx = {
    store,
    chainId: g.chainId,
    height: 0,
    time: g.genesisTime,
    txParams: g.txParams,
    events: [],
    hooks: APP.hooks,
  };
  if (g.state) {
    for (const list of g.state.records.values()) for (const [k, v] of list) store.set(k, v);
  } else
    for (const v of g.validators) {
      const operator = addressFromPubkey(v.pubkey);
      const tokens = BigInt(v.power) * ONE;
      mint(store, BONDED_POOL, "stra", tokens);
      setValidator(store, {
        operator,
        consensusPubkey: v.pubkey,
        moniker: v.moniker,
        commissionRate: ONE / 10n,
        maxCommissionRate: ONE / 5n,
        tokens,
        shares: tokens,
        status: ValidatorStatus.Bonded,
        jailed: false,
        tombstoned: false,
        jailedUntil: 0,
        commissionUpdatedAt: 0,
      });
      initializeValidator(ctx, operator);
      setDelegationShares(store, operator, operator, tokens);
      incrementPeriod(ctx, operator);
      initializeDelegation(ctx, operator, operator);
    }
  // each module's part, in the app's order (lst's params before strategy's pools stake through it)
  const context = { authority: g.authority, params: g.params, validators: g.validators };
  for (const m of APP.modules) if (m.genesis) m.genesis.init(ctx, g.modules.get(m.name), context);
  if (g.state) checkValidatorsMatchStaking(ctx, g.validators);
}

/**
 * An exported genesis names its consensus set twice: `validators` (what consensus starts with)
 * and the staking records (what the first block's end decides). They must agree, or the set
 * would change at height 3 for no reason anyone can see in the file.
 */
function checkValidatorsMatchStaking(ctx: ExecContext, validators: readonly ValidatorEntryValue[]): void {
  const decided = updateActiveSet({ ...ctx, store: ctx.store.child(), events: [] });
  const show = (vs: readonly ValidatorEntryValue[]) =>
    vs
      .map((v) => `${Buffer.from(v.pubkey).toString("hex")}:${v.power}`)
      .sort()
      .join(",");
  if (show(decided) !== show(validators)) {
    fail(
      "validators",
      `do not match the staking records' active set (${decided.length} validators: ${decided.map((v) => `${encodeAddress(addressFromPubkey(v.pubkey))} power ${v.power}`).join(", ")})`,
    );
  }
}
