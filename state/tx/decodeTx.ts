import {
  MAX_MSGS_PER_TX,
  MAX_TX_BYTES,
  SignedTx,
  TxBody,
  type SignedTxValue,
  type TxBodyValue,
} from "../encoding/types.ts";
import { ErrorCode, StrataError } from "../errors.ts";
import { sha256 } from "../crypto/hash.ts";
import { addressFromPubkey } from "../crypto/address.ts";
import { MSG_KINDS, type MsgKind } from "../msgs.ts";
import { GAS_PER_BYTE, TX_BASE_GAS } from "../gas.ts";

export type DecodedMsg = { type: string; value: unknown; kind: MsgKind<unknown> };

/** A tx that passed every stateless rule: canonical bytes, known messages, valid fields. */
export type DecodedTx = {
  bytes: Uint8Array;
  hash: Uint8Array;
  /** upper-case hex, as CometBFT shows tx hashes */
  hashHex: string;
  body: TxBodyValue;
  /** `body`'s canonical encoding: a view into `bytes`, so the signed bytes need no re-encoding */
  bodyBytes: Uint8Array;
  signature: Uint8Array;
  chainId: string;
  /** 20-byte address of `body.signer` */
  sender: Uint8Array;
  msgs: DecodedMsg[];
  memo: string;
  gas: bigint;
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(b: Uint8Array, field: string): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new StrataError(ErrorCode.TxMalformed, `${field} is not valid UTF-8`);
  }
}

// The canonicality checks encode into this buffer instead of a new one per tx and per message
// (garbage that outlived the young generation under a flood). Only used synchronously.
const scratch = new Uint8Array(MAX_TX_BYTES);
const scratchViews = { uint8Array: scratch, dataView: new DataView(scratch.buffer) };

type Codec<T> = {
  value_serializedSize(value: T): number;
  value_serializeToBytes(output: typeof scratchViews, offset: number, value: T): number;
};

/** Whether `bytes` is exactly the encoding of `value`. PERF: one encode into the scratch buffer. */
function encodesTo<T>(codec: Codec<T>, value: T, bytes: Uint8Array): boolean {
  const size = codec.value_serializedSize(value);
  if (size !== bytes.length || size > scratch.length) return false;
  codec.value_serializeToBytes(scratchViews, 0, value);
  return Buffer.compare(scratch.subarray(0, size), bytes) === 0;
}

/** SignedTx is { body (variable size), signature: Bytes64 }: SSZ writes body's 4-byte offset, then the signature, then body. */
const BODY_OFFSET = 4 + 64;

/**
 * Decodes a signed tx and applies every stateless rule: size, canonical SSZ, message kinds,
 * per-message validateBasic. Does not look at state or the signature. `kinds`: the app's
 * message kinds (a test may build an app with more modules).
 * PERF: one SSZ decode and one re-encode (canonicality) of the tx plus one per message.
 */
export function decodeTx(bytes: Uint8Array, kinds: ReadonlyMap<string, MsgKind<unknown>> = MSG_KINDS): DecodedTx {
  if (bytes.length > MAX_TX_BYTES) {
    throw new StrataError(ErrorCode.TxTooLarge, `tx is ${bytes.length} bytes, limit is ${MAX_TX_BYTES}`);
  }
  let signed: SignedTxValue;
  try {
    signed = SignedTx.deserialize(bytes);
  } catch (e) {
    throw new StrataError(ErrorCode.TxMalformed, `tx bytes do not decode: ${(e as Error).message}`);
  }
  if (!encodesTo(SignedTx, signed, bytes)) {
    throw new StrataError(ErrorCode.TxNonCanonical, "tx bytes are not the canonical encoding");
  }
  const body = signed.body;
  if (body.msgs.length === 0) throw new StrataError(ErrorCode.NoMessages, "tx has no messages");
  if (body.msgs.length > MAX_MSGS_PER_TX) {
    throw new StrataError(
      ErrorCode.TooManyMessages,
      `tx has ${body.msgs.length} messages, limit is ${MAX_MSGS_PER_TX}`,
    );
  }
  const msgs: DecodedMsg[] = body.msgs.map((env, i) => {
    const type = decodeUtf8(env.type, `msgs[${i}].type`);
    const kind = kinds.get(type);
    if (!kind) throw new StrataError(ErrorCode.UnknownMessage, `msgs[${i}]: unknown message type "${type}"`);
    let value: unknown;
    try {
      value = kind.schema.deserialize(env.value);
    } catch (e) {
      throw new StrataError(ErrorCode.TxMalformed, `msgs[${i}] (${type}) does not decode: ${(e as Error).message}`);
    }
    if (!encodesTo(kind.schema as Codec<unknown>, value, env.value)) {
      throw new StrataError(ErrorCode.TxNonCanonical, `msgs[${i}] (${type}) is not canonically encoded`);
    }
    try {
      kind.validateBasic(value);
    } catch (e) {
      if (e instanceof StrataError) throw new StrataError(e.code, `msgs[${i}] (${type}): ${e.message}`);
      throw e;
    }
    return { type, value, kind };
  });
  if (body.fee <= 0n) throw new StrataError(ErrorCode.InsufficientFee, "fee must be > 0");
  const hash = sha256(bytes);
  return {
    bytes,
    hash,
    hashHex: Buffer.from(hash).toString("hex").toUpperCase(),
    body,
    bodyBytes: bytes.subarray(BODY_OFFSET),
    signature: signed.signature,
    chainId: decodeUtf8(body.chainId, "chainId"),
    sender: addressFromPubkey(body.signer),
    msgs,
    memo: decodeUtf8(body.memo, "memo"),
    gas: msgs.reduce((g, m) => g + m.kind.gas, TX_BASE_GAS + GAS_PER_BYTE * BigInt(bytes.length)),
  };
}

const SIGN_DOMAIN = new TextEncoder().encode("strata/tx/v1");

/** sha256("strata/tx/v1" || chainId || encode(body)): what the signer signs. */
export function txSignBytes(body: TxBodyValue): Uint8Array {
  return signBytes(body.chainId, TxBody.serialize(body));
}

/** txSignBytes(tx.body) without encoding the body again: a decoded tx carries its body's bytes. */
export function txSignBytesOf(tx: DecodedTx): Uint8Array {
  return signBytes(tx.body.chainId, tx.bodyBytes);
}

function signBytes(chainId: Uint8Array, bodyBytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIGN_DOMAIN.length + chainId.length + bodyBytes.length);
  out.set(SIGN_DOMAIN, 0);
  out.set(chainId, SIGN_DOMAIN.length);
  out.set(bodyBytes, SIGN_DOMAIN.length + chainId.length);
  return sha256(out);
}
