// sha256 on node:crypto (OpenSSL): deterministic, and about 1.7× noble's speed on small inputs.
import { hash as oneShot } from "node:crypto";
import { ErrorCode, StrataError } from "../errors.ts";

export function sha256(data: Uint8Array): Uint8Array {
  const b = oneShot("sha256", data, "buffer");
  // a plain Uint8Array view: Buffers compare and serialise differently in places
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function sha256Concat(...parts: Uint8Array[]): Uint8Array {
  return sha256(Buffer.concat(parts));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s))
    throw new StrataError(ErrorCode.TxMalformed, `not hex: "${s.slice(0, 20)}"`);
  return new Uint8Array(Buffer.from(s, "hex"));
}
