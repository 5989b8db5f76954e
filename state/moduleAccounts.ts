// Module accounts hold funds on behalf of a module; no key can sign for them, and no user may
// send to them (Cosmos' blocked addresses): a module accounts for its holdings from its own
// records, and a donation must not be able to move a share rate. This file is the one list of
// them; a module that adds an account adds its name here.
import { moduleAddress } from "./crypto/address.ts";
import type { KVReader } from "./store/types.ts";
import { Registry, registryBytes, strategyAccount, strategyName } from "./modules/strategy/store.ts";

export const FEE_COLLECTOR = moduleAddress("fee_collector");

/**
 * Holds the dead shares that the first deposit of a share token locks for good (Uniswap v2's
 * MINIMUM_LIQUIDITY): a supply that can never fall below them keeps the rate from being pushed
 * to extremes by tiny supplies. Nothing can spend from it.
 */
export const DEAD_SHARES_HOLDER = moduleAddress("dead_shares");

/** Every fixed module account, by name (the strategies' accounts come from the registry). */
export const MODULE_ACCOUNT_NAMES = [
  "fee_collector",
  "bonded_pool",
  "not_bonded_pool",
  "distribution",
  "community_pool",
  "lst",
  "lrt",
  "lrt_escrow",
  "dead_shares",
] as const;

const fixed = new Set(MODULE_ACCOUNT_NAMES.map((n) => Buffer.from(moduleAddress(n)).toString("hex")));

// the strategies' accounts, derived from the registry's bytes (a pure function of them): memoized
// on the bytes object (stores hand back the array they were given) and, for a fresh read of the
// same bytes, on their content. PERF: O(1) per call but for a changed registry.
const NONE = new Set<string>();
const byBytes = new WeakMap<Uint8Array, Set<string>>();
let last: { content: string; accounts: Set<string> } | undefined;
function strategyAccounts(s: KVReader): Set<string> {
  const b = registryBytes(s);
  if (!b) return NONE;
  let accounts = byBytes.get(b);
  if (accounts) return accounts;
  const content = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
  if (last?.content === content) accounts = last.accounts;
  else {
    accounts = new Set(
      Registry.deserialize(b).map((d) => Buffer.from(strategyAccount(strategyName(d))).toString("hex")),
    );
    last = { content, accounts };
  }
  byBytes.set(b, accounts);
  return accounts;
}

/** True for any module account: a `bank/send` to it is refused. PERF: one registry read. */
export function isBlockedAddress(s: KVReader, addr: Uint8Array): boolean {
  const hex = Buffer.from(addr).toString("hex");
  return fixed.has(hex) || strategyAccounts(s).has(hex);
}
