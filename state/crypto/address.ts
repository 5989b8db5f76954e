// Addresses: sha256(pubkey)[0:20] (as CometBFT's ed25519 addresses), shown as bech32 "strata1…".
import { bech32 } from "@scure/base";
import { ErrorCode, StrataError } from "../errors.ts";
import { sha256 } from "./hash.ts";

export const ADDRESS_PREFIX = "strata";
export const ADDRESS_BYTES = 20;

export function addressFromPubkey(pubkey: Uint8Array): Uint8Array {
  if (pubkey.length !== 32)
    throw new StrataError(ErrorCode.BadPublicKey, `public key must be 32 bytes, got ${pubkey.length}`);
  return sha256(pubkey).subarray(0, ADDRESS_BYTES);
}

/** Module accounts have no key: their address is derived from the module name. */
export function moduleAddress(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(`module:${name}`)).subarray(0, ADDRESS_BYTES);
}

/** bech32 of recent addresses (events name sender and recipient of every transfer; accounts recur). */
const encoded = new Map<string, string>();

/** PERF: a Map lookup for an address seen lately, else a bech32 encode (~3 µs). */
export function encodeAddress(addr: Uint8Array): string {
  if (addr.length !== ADDRESS_BYTES)
    throw new StrataError(ErrorCode.InvalidAddress, `address must be ${ADDRESS_BYTES} bytes, got ${addr.length}`);
  const k = Buffer.from(addr.buffer, addr.byteOffset, addr.byteLength).toString("latin1");
  let s = encoded.get(k);
  if (s === undefined) {
    s = bech32.encode(ADDRESS_PREFIX, bech32.toWords(addr));
    if (encoded.size >= 50_000) encoded.clear();
    encoded.set(k, s);
  }
  return s;
}

export function decodeAddress(s: string): Uint8Array {
  if (typeof s !== "string" || s.length === 0) throw new StrataError(ErrorCode.InvalidAddress, "address is empty");
  if (s !== s.toLowerCase() && s !== s.toUpperCase())
    throw new StrataError(ErrorCode.InvalidAddress, `address "${s}" mixes upper and lower case`);
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(s.toLowerCase() as `${string}1${string}`, 90);
  } catch (e) {
    throw new StrataError(ErrorCode.InvalidAddress, `"${s}" is not a valid bech32 address (${(e as Error).message})`);
  }
  if (decoded.prefix !== ADDRESS_PREFIX) {
    throw new StrataError(
      ErrorCode.InvalidAddress,
      `address "${s}" has prefix "${decoded.prefix}", expected "${ADDRESS_PREFIX}"`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = bech32.fromWords(decoded.words);
  } catch (e) {
    throw new StrataError(ErrorCode.InvalidAddress, `address "${s}" has invalid padding (${(e as Error).message})`);
  }
  if (bytes.length !== ADDRESS_BYTES)
    throw new StrataError(
      ErrorCode.InvalidAddress,
      `address "${s}" is ${bytes.length} bytes, expected ${ADDRESS_BYTES}`,
    );
  return bytes;
}

export function isAddress(s: string): boolean {
  try {
    decodeAddress(s);
    return true;
  } catch {
    return false;
  }
}
