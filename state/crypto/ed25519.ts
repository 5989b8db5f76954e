// ed25519 verification with two implementations that must agree bit for bit:
//  - verifySignature: node:crypto (OpenSSL), the hot path (~12k/s per core);
//  - verifySignaturePure: @noble/curves, written as the same RFC 8032 cofactorless check.
// noble's own verify is cofactored (and ZIP-215 by default) while OpenSSL is cofactorless, so
// they can disagree on crafted signatures with torsion components. We therefore define the rule
// once — strict encodings (S < L, canonical A and R), no small-order A or R, cofactorless equation
// [S]B = R + [k]A checked by re-encoding — and apply the key/scalar pre-checks on both paths.
import { createPublicKey, verify as osslVerify, type KeyObject } from "node:crypto";
import { ed25519, ED25519_TORSION_SUBGROUP } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";

const Point = ed25519.Point;
/** group order L */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

function leBytesToBigint(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
}

/**
 * y (the low 255 bits) must be < p: a canonical encoding. p = 2^255 - 19, so y ≥ p only when
 * bytes 1..30 are 0xff, byte 31 (sign bit masked) is 0x7f and byte 0 is ≥ 0xed: compared by
 * bytes, without a bigint (this runs twice per verify). PERF: O(1) on almost every input.
 */
export function isCanonicalPointEncoding(b: Uint8Array): boolean {
  if (b.length !== 32) return leBytesToBigint(b) < P; // not an encoding the callers accept anyway
  if ((b[31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (b[i] !== 0xff) return true;
  return b[0]! < 0xed;
}

/** The same rule with bigints (the definition; tests compare the two). */
export function isCanonicalPointEncodingBigint(b: Uint8Array): boolean {
  return (leBytesToBigint(b) & ((1n << 255n) - 1n)) < P;
}

const keyValidity = new Map<string, boolean>();

/** 32 bytes, canonical, on the curve, and not of small order. Cached per key. */
export function isValidPublicKey(pk: Uint8Array): boolean {
  if (!(pk instanceof Uint8Array) || pk.length !== 32) return false;
  const k = Buffer.from(pk).toString("latin1");
  const cached = keyValidity.get(k);
  if (cached !== undefined) return cached;
  let ok = false;
  if (isCanonicalPointEncoding(pk)) {
    try {
      const A = Point.fromBytes(pk, false);
      ok = !A.isSmallOrder();
    } catch {
      ok = false;
    }
  }
  if (keyValidity.size > 100_000) keyValidity.clear();
  keyValidity.set(k, ok);
  return ok;
}

/** L in little-endian bytes, for a comparison without bigint on the hot path. */
const L_LE = (() => {
  const b = new Uint8Array(32);
  let n = L;
  for (let i = 0; i < 32; i++, n >>= 8n) b[i] = Number(n & 0xffn);
  return b;
})();

function scalarBelowL(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i] < L_LE[i]) return true;
    if (s[i] > L_LE[i]) return false;
  }
  return false; // equal to L
}

function sigChecks(sig: Uint8Array): boolean {
  if (!(sig instanceof Uint8Array) || sig.length !== 64) return false;
  if (!scalarBelowL(sig.subarray(32))) return false;
  const R = sig.subarray(0, 32);
  // R of small order: only the identity can satisfy the equation (R = identity, S = k·a, made by
  // the key's owner); OpenSSL 3.5 and libsodium both refuse it, older OpenSSL accepted it, so the
  // rule says so itself rather than leave it to whichever library a node loaded
  return isCanonicalPointEncoding(R) && !isSmallOrderEncoding(R);
}

/**
 * Small-order points by encoding: the 8 canonical ones plus the two x = 0 points with the sign
 * bit set (the only other encodings a lenient decoder maps to a small-order point; for x ≠ 0 the
 * sign flip is the negation, already in the list). Lets the fast path reject them without a
 * point decompression; an encoding that is not a point at all is rejected by OpenSSL itself.
 */
const SMALL_ORDER = new Set(
  [
    ...ED25519_TORSION_SUBGROUP,
    "0100000000000000000000000000000000000000000000000000000000000080",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  ].map((h) => h.toLowerCase()),
);

/** The last bytes of the small-order encodings: any other R is not one without a closer look. */
const SMALL_ORDER_LAST = new Set([...SMALL_ORDER].map((h) => Number.parseInt(h.slice(62), 16)));

/** One of the small-order encodings (SMALL_ORDER). PERF: O(1); a hex string only when the last byte says it may be one. */
export function isSmallOrderEncoding(p: Uint8Array): boolean {
  if (!SMALL_ORDER_LAST.has(p[31]!)) return false;
  return SMALL_ORDER.has(Buffer.from(p).toString("hex"));
}

function cheapKeyChecks(pk: Uint8Array): boolean {
  if (!(pk instanceof Uint8Array) || pk.length !== 32 || !isCanonicalPointEncoding(pk)) return false;
  return !isSmallOrderEncoding(pk);
}

const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const keyObjects = new Map<string, KeyObject>();

function keyObject(pk: Uint8Array): KeyObject {
  const k = Buffer.from(pk).toString("latin1");
  let ko = keyObjects.get(k);
  if (!ko) {
    ko = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pk]), format: "der", type: "spki" });
    if (keyObjects.size > 100_000) keyObjects.clear();
    keyObjects.set(k, ko);
  }
  return ko;
}

type Sodium = { crypto_sign_verify_detached(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean };

/**
 * libsodium (sodium-native's bundled build), when it loads on this platform: its verify is 2.1x
 * OpenSSL's on the reference machine (20,003 vs 9,495/s on one core), and a node verifies every
 * tx. STRATA_ED25519=openssl forces the OpenSSL path (A/B runs). Either way the rule is ours.
 */
const SODIUM = "sodium-native"; // a variable: the package ships no types
const sodium: Sodium | undefined =
  process.env.STRATA_ED25519 === "openssl"
    ? undefined
    : await import(SODIUM).then(
        (m) => (m.default ?? m) as Sodium,
        () => undefined,
      );

/** Which library the fast path uses (the benches report it beside the ceiling they measure). */
export const fastVerifier: "libsodium" | "openssl" = sodium ? "libsodium" : "openssl";

/**
 * Fast path. PERF: one ed25519 verify (libsodium, or OpenSSL with the KeyObject cached per key).
 * Both check the strict encodings and the cofactorless equation our rule names, after our own
 * pre-checks (S < L, canonical R and A, neither of small order), so the answer does not depend
 * on which library a node loaded (the tests run every vector on the pure path too).
 */
export function verifySignature(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (!sigChecks(sig) || !cheapKeyChecks(pk)) return false;
  try {
    if (sodium) return sodium.crypto_sign_verify_detached(sig, msg, pk);
    return osslVerify(null, msg, keyObject(pk), sig);
  } catch {
    return false;
  }
}

/** Pure path (noble), RFC 8032 cofactorless: encode([S]B - [k]A) must equal R. */
export function verifySignaturePure(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (!sigChecks(sig) || !isValidPublicKey(pk)) return false;
  try {
    const A = Point.fromBytes(pk, false);
    const R = sig.subarray(0, 32);
    Point.fromBytes(R, false); // R must decode to a point
    const S = leBytesToBigint(sig.subarray(32));
    const h = sha512(Buffer.concat([R, pk, msg]));
    const k = leBytesToBigint(h) % L;
    const Rcheck = Point.BASE.multiplyUnsafe(S).subtract(A.multiplyUnsafe(k));
    const enc = Rcheck.toBytes();
    return Buffer.compare(Buffer.from(enc), Buffer.from(R)) === 0;
  } catch {
    return false;
  }
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new Error("ed25519 seed must be 32 bytes");
  return ed25519.getPublicKey(seed);
}

export function signMessage(seed: Uint8Array, msg: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new Error("ed25519 seed must be 32 bytes");
  return ed25519.sign(msg, seed);
}
