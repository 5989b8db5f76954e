// The readers every params parser is built from (each module's own parser is its params.ts), and
// the chain's own spaces (tx, block). Parsers serve genesis (defaults = the module defaults) and
// params/update (defaults = the current values, so an update names only what changes). Each
// error names the field; the caller decides the error code and prefix.
import { decodeAddress } from "./crypto/address.ts";
import { MAX_AMOUNT } from "./denoms.ts";
import { MIN_BLOCK_MAX_GAS, type BlockParamsValue, type TxParamsValue } from "./params.ts";

export type Fail = (field: string, why: string) => never;
export const E18 = 10n ** 18n;

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
    if (typeof s !== "string" || !/^(0|[1-9][0-9]*)$/.test(s))
      fail(field, `must be a non-negative decimal integer string, got ${JSON.stringify(v)}`);
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
    minGasPrice:
      o.minGasPrice === undefined ? cur.minGasPrice : r.uint(o.minGasPrice, `${field}.minGasPrice`, MAX_AMOUNT),
    maxTxBytes:
      o.maxTxBytes === undefined ? cur.maxTxBytes : Number(r.uint(o.maxTxBytes, `${field}.maxTxBytes`, 65536n)),
  };
  if (p.maxTxBytes < 256) fail(`${field}.maxTxBytes`, "must be at least 256");
  return p;
}

/** `maxTxBytes`: the tx size limit in force; a block must be able to hold one tx. */
export function parseBlockParams(
  v: unknown,
  cur: BlockParamsValue,
  maxTxBytes: number,
  field: string,
  fail: Fail,
): BlockParamsValue {
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
  // a block must be able to hold the largest tx
  if (p.maxGas < MIN_BLOCK_MAX_GAS)
    fail(`${field}.maxGas`, `must be at least ${MIN_BLOCK_MAX_GAS} (a block must hold any single valid tx)`);
  return p;
}
