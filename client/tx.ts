// Building and signing txs. Uses only the public encoding (state/encoding, state/msgs schemas):
// no node internals.
import { SignedTx, type TxBodyValue } from "../state/encoding/types.ts";
import { txSignBytes } from "../state/tx/decodeTx.ts";
import { publicKeyFromSeed } from "../state/crypto/ed25519.ts";
import { signFast } from "./sign.ts";
import { sha256 } from "../state/crypto/hash.ts";
import { MSG_KINDS } from "../state/msgs.ts";
import { txGas } from "../state/gas.ts";

const utf8 = new TextEncoder();

export type { AnyMsg } from "./msgTypes.ts";
import type { AnyMsg } from "./msgTypes.ts";

/** SSZ's uint128 silently truncates larger values, so the client must refuse them. */
function checkAmount(a: bigint): bigint {
  if (a < 0n || a >= 1n << 128n) throw new RangeError(`amount ${a} is outside 0..2^128-1`);
  return a;
}

/**
 * The wire value of a message: the schema's fields, with text as UTF-8 bytes and amounts checked.
 * Only the messages whose client shape differs from their codec are spelled out.
 */
function wireValue(m: AnyMsg): Record<string, unknown> {
  switch (m.type) {
    case "staking/edit_validator":
      return {
        moniker: m.value.moniker ?? "",
        setCommission: m.value.commissionRate !== undefined,
        commissionRate: m.value.commissionRate ?? 0n,
      };
    case "params/update":
      return { module: m.value.module, params: JSON.stringify(m.value.params) };
    case "slashing/unjail":
    case "lst/resume":
      return { reserved: 0 };
    default:
      return m.value;
  }
}

/** Encodes a message with its codec from the app's registry (state/app.ts lists every module). */
export function encodeMsg(m: AnyMsg): { type: Uint8Array; value: Uint8Array } {
  const kind = MSG_KINDS.get(m.type);
  if (!kind) throw new RangeError(`unknown message type "${m.type}"`);
  const value = Object.fromEntries(
    Object.entries(wireValue(m)).map(([k, v]) => [
      k,
      typeof v === "string" ? utf8.encode(v) : typeof v === "bigint" ? checkAmount(v) : v,
    ]),
  );
  return { type: utf8.encode(m.type), value: kind.schema.serialize(value) };
}

export type UnsignedTx = { chainId: string; nonce: bigint; fee: bigint; msgs: AnyMsg[]; memo?: string };

const pubkeys = new Map<string, Uint8Array>();
function pubkeyOf(seed: Uint8Array): Uint8Array {
  const id = Buffer.from(seed).toString("latin1");
  let pk = pubkeys.get(id);
  if (!pk) {
    pk = publicKeyFromSeed(seed);
    if (pubkeys.size > 100_000) pubkeys.clear();
    pubkeys.set(id, pk);
  }
  return pk;
}

export function signTx(seed: Uint8Array, tx: UnsignedTx): { bytes: Uint8Array; hash: string } {
  const body: TxBodyValue = {
    chainId: utf8.encode(tx.chainId),
    signer: pubkeyOf(seed),
    nonce: tx.nonce,
    fee: checkAmount(tx.fee),
    msgs: tx.msgs.map(encodeMsg),
    memo: utf8.encode(tx.memo ?? ""),
  };
  const signature = signFast(seed, txSignBytes(body));
  const bytes = SignedTx.serialize({ body, signature });
  return { bytes, hash: Buffer.from(sha256(bytes)).toString("hex").toUpperCase() };
}

/**
 * The fee that covers a tx's gas at `minGasPrice`. Gas depends on the encoded size, which
 * depends on the fee's own field only through its fixed 16 bytes, so one pass is exact.
 */
export function feeFor(tx: Omit<UnsignedTx, "fee">, minGasPrice: bigint): bigint {
  const probe = signTx(new Uint8Array(32), { ...tx, fee: 1n });
  return (
    txGas(
      probe.bytes.length,
      tx.msgs.map((m) => m.type),
    ) * minGasPrice
  );
}
