// Param readers for RPC methods: each names the param and the rule it broke.
import { RpcParamsError } from "./jsonrpc.ts";

export function optHeight(p: Record<string, unknown>, name = "height"): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === "" || v === "0" || v === 0) return undefined;
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s !== "string" || !/^[1-9][0-9]{0,15}$/.test(s))
    throw new RpcParamsError(`${name} must be a positive integer (as a string or number)`);
  return Number(s);
}

export function reqString(p: Record<string, unknown>, name: string): string {
  const v = p[name];
  if (typeof v !== "string" || v.length === 0) throw new RpcParamsError(`${name} is required and must be a string`);
  return v;
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function reqBase64(p: Record<string, unknown>, name: string, maxBytes: number): Uint8Array {
  const s = reqString(p, name);
  if (s.length % 4 !== 0 || !B64.test(s)) throw new RpcParamsError(`${name} must be base64`);
  if ((s.length / 4) * 3 > maxBytes + 2) throw new RpcParamsError(`${name} is larger than ${maxBytes} bytes`);
  return new Uint8Array(Buffer.from(s, "base64"));
}

/** Tx hashes: 64 hex chars, optionally 0x-prefixed; CometBFT URI form also sends base64. */
export function reqHash(p: Record<string, unknown>, name: string): Uint8Array {
  const s = reqString(p, name).replace(/^0x/i, "");
  if (/^[0-9a-fA-F]{64}$/.test(s)) return new Uint8Array(Buffer.from(s, "hex"));
  if (s.length === 44 && B64.test(s)) return new Uint8Array(Buffer.from(s, "base64"));
  throw new RpcParamsError(`${name} must be a 32-byte hash in hex`);
}

/** An integer param clamped to [min, max]; `def` when absent. */
export function intParam(p: Record<string, unknown>, name: string, def: number, min: number, max: number): number {
  const v = p[name];
  if (v === undefined || v === null || v === "") return def;
  const n = typeof v === "number" ? v : /^-?\d+$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw new RpcParamsError(`${name} must be an integer`);
  return Math.min(Math.max(n, min), max);
}
