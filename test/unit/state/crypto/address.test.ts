import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bech32 } from "@scure/base";
import { addressFromPubkey, decodeAddress, encodeAddress, isAddress, moduleAddress } from "#state/crypto/address.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { sha256 } from "#state/crypto/hash.ts";

function invalid(s: string, why: RegExp) {
  try {
    decodeAddress(s);
  } catch (e) {
    expect(e).toBeInstanceOf(StrataError);
    expect((e as StrataError).code).toBe(ErrorCode.InvalidAddress);
    expect((e as StrataError).message).toMatch(why);
    return;
  }
  throw new Error(`accepted ${s}`);
}

describe("addresses", () => {
  it("are sha256(pubkey)[0:20] and round-trip through bech32 strata1…", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (pk) => {
        const a = addressFromPubkey(pk);
        expect(a).toEqual(sha256(pk).subarray(0, 20));
        const s = encodeAddress(a);
        expect(s.startsWith("strata1")).toBe(true);
        expect(decodeAddress(s)).toEqual(a);
        expect(decodeAddress(s.toUpperCase())).toEqual(a);
      }),
    );
  });
  it("module addresses are derived from the name", () => {
    expect(moduleAddress("fee_collector")).toEqual(
      sha256(new TextEncoder().encode("module:fee_collector")).subarray(0, 20),
    );
    expect(moduleAddress("a")).not.toEqual(moduleAddress("b"));
  });
  it("rejects wrong prefix, bad checksum, wrong length, mixed case, garbage", () => {
    const good = encodeAddress(new Uint8Array(20).fill(7));
    invalid(bech32.encode("cosmos", bech32.toWords(new Uint8Array(20))), /prefix "cosmos"/);
    invalid(good.slice(0, -1) + (good.endsWith("q") ? "p" : "q"), /not a valid bech32/);
    invalid(bech32.encode("strata", bech32.toWords(new Uint8Array(32))), /32 bytes/);
    invalid(good.slice(0, 10) + good.slice(10).toUpperCase(), /mixes/);
    invalid("", /empty/);
    invalid("hello", /not a valid bech32/);
    expect(isAddress(good)).toBe(true);
    expect(isAddress("strata1xyz")).toBe(false);
  });
});
