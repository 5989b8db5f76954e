// bank keys: 0x01 0x01 addr20 -> Account; 0x01 0x02 denom -> supply (uint128)
import { Account, Uint128, type AccountValue } from "../../encoding/types.ts";
import { Prefix, prefixed } from "../../keys.ts";
import type { Overlay } from "../../store/overlay.ts";
import type { KVReader } from "../../store/types.ts";

const ACCOUNT = Uint8Array.of(Prefix.bank, 0x01);
/** Every account record (addr20 after the prefix): the supply invariant scans it. */
export const ACCOUNT_PREFIX = ACCOUNT;
const SUPPLY = Uint8Array.of(Prefix.bank, 0x02);
const utf8 = new TextEncoder();

export function accountKey(addr: Uint8Array): Uint8Array {
  return prefixed(ACCOUNT, addr);
}
export function supplyKey(denom: string): Uint8Array {
  return prefixed(SUPPLY, utf8.encode(denom));
}

/**
 * The account each stored encoding decodes to, keyed by the encoding's identity: a store hands
 * back the very array it was given (overlays, the node's read cache), so a transfer's six reads
 * of three accounts decode each at most once per block instead of six times. Sound because an
 * AccountValue is never mutated after it is written or read (the keeper builds new ones), and a
 * WeakMap entry dies with its bytes. PERF: one WeakMap lookup per read.
 */
const decoded = new WeakMap<Uint8Array, AccountValue>();

export function readAccount(store: KVReader, addr: Uint8Array): AccountValue | undefined {
  const b = store.get(accountKey(addr));
  if (!b) return undefined;
  let a = decoded.get(b);
  if (!a) decoded.set(b, (a = Account.deserialize(b)));
  return a;
}
export function writeAccount(store: Overlay, addr: Uint8Array, acct: AccountValue): void {
  const b = Account.serialize(acct);
  decoded.set(b, acct);
  store.set(accountKey(addr), b);
}
export function readSupply(store: KVReader, denom: string): bigint {
  const b = store.get(supplyKey(denom));
  return b ? Uint128.deserialize(b) : 0n;
}
export function writeSupply(store: Overlay, denom: string, amount: bigint): void {
  store.set(supplyKey(denom), Uint128.serialize(amount));
}
