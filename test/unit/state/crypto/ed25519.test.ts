// The OpenSSL fast path and the noble pure path must give the same answer on every input:
// RFC 8032 vectors, random valid and corrupted signatures, non-canonical encodings, small-order
// keys, and mixed-order keys where cofactored and cofactorless verification disagree.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ed25519, ED25519_TORSION_SUBGROUP } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { signFast } from "#client/sign.ts";
import { createRequire } from "node:module";
import {
  fastVerifier,
  isCanonicalPointEncoding,
  isSmallOrderEncoding,
  isCanonicalPointEncodingBigint,
  isValidPublicKey,
  publicKeyFromSeed,
  signMessage,
  verifySignature,
  verifySignaturePure,
} from "#state/crypto/ed25519.ts";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;
const le = (n: bigint, len = 32) => {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return b;
};
const fromLe = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);

function both(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  const a = verifySignature(pk, msg, sig);
  const b = verifySignaturePure(pk, msg, sig);
  expect(a, "fast and pure paths disagree").toBe(b);
  return a;
}

// RFC 8032 section 7.1, tests 1-3
const RFC8032 = [
  {
    sk: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    pk: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    msg: "",
    sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    sk: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    pk: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    msg: "72",
    sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    sk: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    pk: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    msg: "af82",
    sig: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];

describe("ed25519: fast (OpenSSL) and pure (noble) paths agree", () => {
  it("RFC 8032 vectors: keys, signatures and verification", () => {
    for (const v of RFC8032) {
      expect(Buffer.from(publicKeyFromSeed(hex(v.sk))).toString("hex")).toBe(v.pk);
      expect(Buffer.from(signMessage(hex(v.sk), hex(v.msg))).toString("hex")).toBe(v.sig);
      expect(both(hex(v.pk), hex(v.msg), hex(v.sig))).toBe(true);
      const bad = hex(v.sig);
      bad[10] ^= 0x40;
      expect(both(hex(v.pk), hex(v.msg), bad)).toBe(false);
    }
  });

  it("random keys and messages: valid signatures verify, any bit flip fails, on both paths", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        fc.constantFrom("sig", "msg", "key"),
        (seed, msg, bit, where) => {
          const pk = publicKeyFromSeed(seed);
          const sig = signMessage(seed, msg);
          expect(both(pk, msg, sig)).toBe(true);
          const flip = (b: Uint8Array) => {
            const c = Uint8Array.from(b);
            if (c.length === 0) return Uint8Array.of(1);
            c[bit % c.length] ^= 1 << (bit % 8);
            return c;
          };
          if (where === "sig") expect(both(pk, msg, flip(sig))).toBe(false);
          if (where === "msg") expect(both(pk, flip(msg), sig)).toBe(false);
          if (where === "key") both(flip(pk), msg, sig); // may be an invalid key: only agreement matters
        },
      ),
      { numRuns: 200 },
    );
  });

  it("node:crypto signing (client) produces noble's signatures byte for byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 100 }), (seed, msg) => {
        expect(Buffer.from(signFast(seed, msg)).toString("hex")).toBe(
          Buffer.from(signMessage(seed, msg)).toString("hex"),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("rejects S >= L (malleability) on both paths", () => {
    const v = RFC8032[1];
    const sig = hex(v.sig);
    const S = fromLe(sig.subarray(32));
    const malleated = Uint8Array.from([...sig.subarray(0, 32), ...le(S + L)]);
    expect(noblePermissive(hex(v.pk), hex(v.msg), malleated)).toBe(false); // noble also refuses S >= L
    expect(both(hex(v.pk), hex(v.msg), malleated)).toBe(false);
  });

  it("rejects non-canonical encodings of R and A (y >= p) on both paths", () => {
    // y = p + 1 encodes the same point as y = 1 (the identity's y) but is non-canonical
    const nonCanonical = le(P + 1n);
    expect(isValidPublicKey(nonCanonical)).toBe(false);
    const v = RFC8032[0];
    expect(both(nonCanonical, hex(v.msg), hex(v.sig))).toBe(false);
    const sig = hex(v.sig);
    sig.set(nonCanonical, 0);
    expect(both(hex(v.pk), hex(v.msg), sig)).toBe(false);
  });

  it("the byte-wise canonical-encoding check is the bigint rule y < p, at and around p and at random", () => {
    const le = (n: bigint, signBit = false) => {
      const b = new Uint8Array(32);
      for (let i = 0; i < 32; i++, n >>= 8n) b[i] = Number(n & 0xffn);
      if (signBit) b[31]! |= 0x80;
      return b;
    };
    const p = 2n ** 255n - 19n;
    for (const d of [-300n, -256n, -2n, -1n, 0n, 1n, 18n]) {
      for (const sign of [false, true]) {
        const b = le(p + d, sign);
        expect(isCanonicalPointEncoding(b)).toBe(isCanonicalPointEncodingBigint(b));
      }
    }
    expect(isCanonicalPointEncoding(le(p - 1n))).toBe(true);
    expect(isCanonicalPointEncoding(le(p))).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: 31 }), (b, k) => {
        expect(isCanonicalPointEncoding(b)).toBe(isCanonicalPointEncodingBigint(b));
        const high = b.slice();
        high.fill(0xff, k, 32); // near p from above and below
        expect(isCanonicalPointEncoding(high)).toBe(isCanonicalPointEncodingBigint(high));
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects all 8 small-order points as public keys on both paths", () => {
    expect(ED25519_TORSION_SUBGROUP).toHaveLength(8);
    for (const t of ED25519_TORSION_SUBGROUP) {
      const pk = hex(t);
      expect(isValidPublicKey(pk)).toBe(false);
      // with A of small order, the signature (R = identity, S = 0) satisfies the equation for any message
      const sig = Uint8Array.from([...ed25519.Point.ZERO.toBytes(), ...new Uint8Array(32)]);
      expect(both(pk, Uint8Array.of(1, 2, 3), sig)).toBe(false);
    }
  });

  it("rejects the x = 0 small-order points written with the sign bit set, on both paths", () => {
    const sig = Uint8Array.from([...ed25519.Point.ZERO.toBytes(), ...new Uint8Array(32)]);
    for (const h of [
      "0100000000000000000000000000000000000000000000000000000000000080",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ]) {
      expect(isValidPublicKey(hex(h))).toBe(false);
      expect(both(hex(h), Uint8Array.of(7), sig)).toBe(false);
    }
  });

  it("mixed-order public key: cofactored verification (noble default) accepts, our strict rule rejects on both paths", () => {
    // A' = A + T with T of order 8: [S]B - [k]A' = R - [k]T, which equals R only when 8 | k.
    const seed = new Uint8Array(32).fill(9);
    const { scalar } = ed25519.utils.getExtendedPublicKey(seed);
    const T = ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[1]);
    const A2 = ed25519.Point.BASE.multiply(scalar).add(T);
    const pk = A2.toBytes();
    expect(isValidPublicKey(pk)).toBe(true); // mixed order, not small order
    let found = 0;
    for (let i = 0; i < 64 && found < 3; i++) {
      const msg = Uint8Array.of(i);
      const r = 1234567n + BigInt(i);
      const R = ed25519.Point.BASE.multiply(r).toBytes();
      const k = fromLe(sha512(Buffer.concat([R, pk, msg]))) % L;
      if (k % 8n === 0n) continue;
      const S = (r + k * scalar) % L;
      const sig = Uint8Array.from([...R, ...le(S)]);
      expect(noblePermissive(pk, msg, sig)).toBe(true);
      expect(both(pk, msg, sig)).toBe(false);
      found++;
    }
    expect(found).toBe(3);
  });

  it("the fast path is libsodium here (sodium-native loads), else the figures in docs/performance.md are OpenSSL's", () => {
    expect(fastVerifier).toBe("libsodium");
  });

  it("R = identity signed by the key's owner (S = k·a) satisfies the equation, and is refused on both paths as libsodium and OpenSSL 3.5 refuse it", () => {
    const seed = new Uint8Array(32).fill(5);
    const { scalar, pointBytes: pk } = ed25519.utils.getExtendedPublicKey(seed);
    const R = ed25519.Point.ZERO.toBytes();
    const sodium = createRequire(import.meta.url)("sodium-native") as {
      crypto_sign_verify_detached(s: Uint8Array, m: Uint8Array, p: Uint8Array): boolean;
    };
    for (let i = 0; i < 4; i++) {
      const msg = Uint8Array.of(i, 1, 2);
      const k = fromLe(sha512(Buffer.concat([R, pk, msg]))) % L;
      const sig = Uint8Array.from([...R, ...le((k * scalar) % L)]);
      // the equation holds: [S]B - [k]A = [k·a]B - [k]A = identity = R
      expect(
        ed25519.Point.BASE.multiply((k * scalar) % L)
          .subtract(ed25519.Point.fromBytes(pk).multiply(k))
          .equals(ed25519.Point.ZERO),
      ).toBe(true);
      expect(both(pk, msg, sig)).toBe(false);
      expect(sodium.crypto_sign_verify_detached(sig, msg, pk)).toBe(false);
      // any other small-order R cannot satisfy the equation ([S]B - [k]A is in the prime-order group)
      for (const t of ED25519_TORSION_SUBGROUP.slice(1)) {
        const bad = Uint8Array.from([...hex(t), ...le((k * scalar) % L)]);
        expect(both(pk, msg, bad)).toBe(false);
      }
    }
  });

  it("isSmallOrderEncoding is exactly membership in the small-order encodings", () => {
    const all = [
      ...ED25519_TORSION_SUBGROUP,
      "0100000000000000000000000000000000000000000000000000000000000080",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ];
    for (const h of all) expect(isSmallOrderEncoding(hex(h))).toBe(true);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        expect(isSmallOrderEncoding(b)).toBe(all.includes(Buffer.from(b).toString("hex")));
      }),
    );
    // one bit away from a small-order encoding is not one
    const near = hex(ED25519_TORSION_SUBGROUP[3]);
    near[0] ^= 1;
    expect(isSmallOrderEncoding(near)).toBe(false);
  });

  it("wrong lengths are rejected, never thrown", () => {
    const v = RFC8032[0];
    expect(both(hex(v.pk).subarray(0, 31), hex(v.msg), hex(v.sig))).toBe(false);
    expect(both(hex(v.pk), hex(v.msg), hex(v.sig).subarray(0, 63))).toBe(false);
  });
});

/** noble's own (cofactored, ZIP-215) verify, to show where the rules differ */
function noblePermissive(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    return ed25519.verify(sig, msg, pk);
  } catch {
    return false;
  }
}
