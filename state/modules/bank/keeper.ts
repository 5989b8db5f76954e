// bank keeper: the only way other modules touch balances, nonces and supply.
import { ErrorCode, StrataError } from "../../errors.ts";
import { MAX_AMOUNT } from "../../denoms.ts";
import type { AccountValue } from "../../encoding/types.ts";
import type { Overlay } from "../../store/overlay.ts";
import type { KVReader } from "../../store/types.ts";
import { encodeAddress } from "../../crypto/address.ts";
import { readAccount, readSupply, writeAccount, writeSupply } from "./store.ts";

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

function emptyAccount(): AccountValue {
  return { nonce: 0n, balances: [] };
}

/** The UTF-8 of the denoms asked about, encoded once (the chain has three; bounded against callers' strings). */
const denomUtf8 = new Map<string, Uint8Array>();

/**
 * `bytes` (a stored balance's denom, always the UTF-8 of a known denom) spell `denom`.
 * PERF: a byte compare, no decode.
 */
function spells(bytes: Uint8Array, denom: string): boolean {
  let d = denomUtf8.get(denom);
  if (!d) {
    if (denomUtf8.size >= 64) denomUtf8.clear();
    denomUtf8.set(denom, (d = utf8.encode(denom)));
  }
  return Buffer.compare(bytes, d) === 0;
}

/** `acct`'s balance of `denom`. PERF: a byte compare per balance, no decode. */
export function balanceOf(acct: AccountValue, denom: string): bigint {
  for (const c of acct.balances) if (spells(c.denom, denom)) return c.amount;
  return 0n;
}

/** Balances stay sorted by denom and without zero entries, so the encoding is canonical. */
function withBalance(acct: AccountValue, denom: string, amount: bigint): AccountValue {
  const balances = acct.balances.filter((c) => !spells(c.denom, denom));
  if (amount > 0n) balances.push({ denom: utf8.encode(denom), amount });
  balances.sort((a, b) => Buffer.compare(a.denom, b.denom));
  return { nonce: acct.nonce, balances };
}

export function getAccount(store: KVReader, addr: Uint8Array): AccountValue {
  return readAccount(store, addr) ?? emptyAccount();
}

export function getBalance(store: KVReader, addr: Uint8Array, denom: string): bigint {
  const a = readAccount(store, addr);
  return a ? balanceOf(a, denom) : 0n;
}

export function getAllBalances(store: KVReader, addr: Uint8Array): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  const a = readAccount(store, addr);
  if (a) for (const c of a.balances) out[utf8d.decode(c.denom)] = c.amount;
  return out;
}

export function getNonce(store: KVReader, addr: Uint8Array): bigint {
  return readAccount(store, addr)?.nonce ?? 0n;
}

/** Genesis only: an exported account keeps its nonce (its signed txs stay unreplayable). */
export function setNonce(store: Overlay, addr: Uint8Array, nonce: bigint): void {
  writeAccount(store, addr, { nonce, balances: getAccount(store, addr).balances });
}

export function incrementNonce(store: Overlay, addr: Uint8Array): void {
  const a = getAccount(store, addr);
  writeAccount(store, addr, { nonce: a.nonce + 1n, balances: a.balances });
}

/**
 * A tx's envelope: the fee moves from the payer to `to` and the payer's nonce goes up, with the
 * payer's account read and written once. The same state as `send` then `incrementNonce`.
 * PERF: two account reads and two writes (the payer's, the receiver's) instead of three and three.
 */
export function chargeFee(store: Overlay, payer: Uint8Array, to: Uint8Array, denom: string, fee: bigint): void {
  const a = getAccount(store, payer);
  writeAccount(store, payer, { nonce: a.nonce + 1n, balances: debited(a, payer, denom, fee).balances });
  addBalance(store, to, denom, fee);
}

/** `a` less `amount` of `denom`, or InsufficientFunds naming `addr`. */
function debited(a: AccountValue, addr: Uint8Array, denom: string, amount: bigint): AccountValue {
  const have = balanceOf(a, denom);
  if (have < amount) {
    throw new StrataError(
      ErrorCode.InsufficientFunds,
      `${encodeAddress(addr)} has ${have}${denom}, needs ${amount}${denom}`,
    );
  }
  return withBalance(a, denom, have - amount);
}

export function addBalance(store: Overlay, addr: Uint8Array, denom: string, amount: bigint): void {
  const a = getAccount(store, addr);
  const next = balanceOf(a, denom) + amount;
  // Cannot happen while supply is conserved (supply < 2^128); kept as an invariant check.
  if (next > MAX_AMOUNT) throw new StrataError(ErrorCode.SupplyOverflow, `balance of ${denom} would exceed 2^128-1`);
  writeAccount(store, addr, withBalance(a, denom, next));
}

export function subBalance(store: Overlay, addr: Uint8Array, denom: string, amount: bigint): void {
  writeAccount(store, addr, debited(getAccount(store, addr), addr, denom, amount));
}

export function send(store: Overlay, from: Uint8Array, to: Uint8Array, denom: string, amount: bigint): void {
  subBalance(store, from, denom, amount);
  addBalance(store, to, denom, amount);
}

export function mint(store: Overlay, to: Uint8Array, denom: string, amount: bigint): void {
  const supply = readSupply(store, denom) + amount;
  if (supply > MAX_AMOUNT) throw new StrataError(ErrorCode.SupplyOverflow, `supply of ${denom} would exceed 2^128-1`);
  writeSupply(store, denom, supply);
  addBalance(store, to, denom, amount);
}

export function burn(store: Overlay, from: Uint8Array, denom: string, amount: bigint): void {
  subBalance(store, from, denom, amount);
  writeSupply(store, denom, readSupply(store, denom) - amount);
}

export function getSupply(store: KVReader, denom: string): bigint {
  return readSupply(store, denom);
}
