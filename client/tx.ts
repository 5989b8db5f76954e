// Building and signing txs. Uses only the public encoding (state/encoding, state/msgs schemas):
// no node internals.
import { SignedTx, type TxBodyValue } from "../state/encoding/types.ts";
import { txSignBytes } from "../state/tx/decodeTx.ts";
import { publicKeyFromSeed } from "../state/crypto/ed25519.ts";
import { signFast } from "./sign.ts";
import { sha256 } from "../state/crypto/hash.ts";
import { MsgSend } from "../state/modules/bank/schemas.ts";
import { MsgCreateValidator, MsgDelegate, MsgEditValidator, MsgRedelegate, MsgUndelegate } from "../state/modules/staking/schemas.ts";
import { MsgWithdrawCommission, MsgWithdrawRewards } from "../state/modules/distribution/schemas.ts";
import { MsgUnjail } from "../state/modules/slashing/schemas.ts";
import { MsgParamsUpdate } from "../state/modules/params/schemas.ts";
import { MsgLstClaim, MsgLstResume, MsgLstStake } from "../state/modules/lst/schemas.ts";
import { MsgAmount, MsgClaimId } from "../state/modules/lrt/schemas.ts";
import { MsgAddLiquidity, MsgRemoveLiquidity, MsgService, MsgSwap } from "../state/modules/strategy/schemas.ts";
import { txGas } from "../state/gas.ts";

const utf8 = new TextEncoder();

export type AnyMsg =
  | { type: "bank/send"; value: { to: Uint8Array; denom: string; amount: bigint } }
  | { type: "staking/create_validator"; value: { consensusPubkey: Uint8Array; moniker: string; commissionRate: bigint; maxCommissionRate: bigint; selfStake: bigint } }
  | { type: "staking/delegate"; value: { validator: Uint8Array; amount: bigint } }
  | { type: "staking/undelegate"; value: { validator: Uint8Array; amount: bigint } }
  | { type: "staking/redelegate"; value: { from: Uint8Array; to: Uint8Array; amount: bigint } }
  | { type: "staking/edit_validator"; value: { moniker?: string; commissionRate?: bigint } }
  | { type: "distribution/withdraw_rewards"; value: { validator: Uint8Array } }
  | { type: "distribution/withdraw_commission"; value: { validator: Uint8Array } }
  | { type: "slashing/unjail"; value: Record<string, never> }
  | { type: "lst/stake" | "lst/unstake"; value: { amount: bigint } }
  | { type: "lst/claim"; value: { requestId: number } }
  | { type: "lst/resume"; value: Record<string, never> }
  | { type: "lrt/restake" | "lrt/request_withdrawal"; value: { amount: bigint } }
  | { type: "lrt/claim"; value: { requestId: number } }
  | { type: "params/update"; value: { module: string; params: unknown } }
  | { type: "strategy/opt_in" | "strategy/opt_out"; value: { service: string } }
  | { type: "strategy/swap"; value: { pool: string; denomIn: string; amountIn: bigint; minOut: bigint } }
  | { type: "strategy/add_liquidity"; value: { pool: string; maxStra: bigint; maxStstra: bigint } }
  | { type: "strategy/remove_liquidity"; value: { pool: string; shares: bigint } };

/** SSZ's uint128 silently truncates larger values, so the client must refuse them. */
function checkAmount(a: bigint): bigint {
  if (a < 0n || a >= 1n << 128n) throw new RangeError(`amount ${a} is outside 0..2^128-1`);
  return a;
}

export function encodeMsg(m: AnyMsg): { type: Uint8Array; value: Uint8Array } {
  switch (m.type) {
    case "bank/send":
      return { type: utf8.encode(m.type), value: MsgSend.serialize({ to: m.value.to, denom: utf8.encode(m.value.denom), amount: checkAmount(m.value.amount) }) };
    case "staking/create_validator": {
      const v = m.value;
      return {
        type: utf8.encode(m.type),
        value: MsgCreateValidator.serialize({ consensusPubkey: v.consensusPubkey, moniker: utf8.encode(v.moniker), commissionRate: checkAmount(v.commissionRate), maxCommissionRate: checkAmount(v.maxCommissionRate), selfStake: checkAmount(v.selfStake) }),
      };
    }
    case "staking/delegate":
      return { type: utf8.encode(m.type), value: MsgDelegate.serialize({ validator: m.value.validator, amount: checkAmount(m.value.amount) }) };
    case "staking/undelegate":
      return { type: utf8.encode(m.type), value: MsgUndelegate.serialize({ validator: m.value.validator, amount: checkAmount(m.value.amount) }) };
    case "distribution/withdraw_rewards":
      return { type: utf8.encode(m.type), value: MsgWithdrawRewards.serialize({ validator: m.value.validator }) };
    case "staking/redelegate":
      return { type: utf8.encode(m.type), value: MsgRedelegate.serialize({ from: m.value.from, to: m.value.to, amount: checkAmount(m.value.amount) }) };
    case "staking/edit_validator":
      return {
        type: utf8.encode(m.type),
        value: MsgEditValidator.serialize({ moniker: utf8.encode(m.value.moniker ?? ""), setCommission: m.value.commissionRate !== undefined, commissionRate: checkAmount(m.value.commissionRate ?? 0n) }),
      };
    case "params/update":
      return { type: utf8.encode(m.type), value: MsgParamsUpdate.serialize({ module: utf8.encode(m.value.module), params: utf8.encode(JSON.stringify(m.value.params)) }) };
    case "lrt/restake":
    case "lrt/request_withdrawal":
      return { type: utf8.encode(m.type), value: MsgAmount.serialize({ amount: checkAmount(m.value.amount) }) };
    case "lrt/claim":
      return { type: utf8.encode(m.type), value: MsgClaimId.serialize({ requestId: m.value.requestId }) };
    case "strategy/opt_in":
    case "strategy/opt_out":
      return { type: utf8.encode(m.type), value: MsgService.serialize({ service: utf8.encode(m.value.service) }) };
    case "strategy/swap":
      return { type: utf8.encode(m.type), value: MsgSwap.serialize({ pool: utf8.encode(m.value.pool), denomIn: utf8.encode(m.value.denomIn), amountIn: checkAmount(m.value.amountIn), minOut: checkAmount(m.value.minOut) }) };
    case "strategy/add_liquidity":
      return { type: utf8.encode(m.type), value: MsgAddLiquidity.serialize({ pool: utf8.encode(m.value.pool), maxStra: checkAmount(m.value.maxStra), maxStstra: checkAmount(m.value.maxStstra) }) };
    case "strategy/remove_liquidity":
      return { type: utf8.encode(m.type), value: MsgRemoveLiquidity.serialize({ pool: utf8.encode(m.value.pool), shares: checkAmount(m.value.shares) }) };
    case "lst/stake":
    case "lst/unstake":
      return { type: utf8.encode(m.type), value: MsgLstStake.serialize({ amount: checkAmount(m.value.amount) }) };
    case "lst/claim":
      return { type: utf8.encode(m.type), value: MsgLstClaim.serialize({ requestId: m.value.requestId }) };
    case "lst/resume":
      return { type: utf8.encode(m.type), value: MsgLstResume.serialize({ reserved: 0 }) };
    case "slashing/unjail":
      return { type: utf8.encode(m.type), value: MsgUnjail.serialize({ reserved: 0 }) };
    case "distribution/withdraw_commission":
      return { type: utf8.encode(m.type), value: MsgWithdrawCommission.serialize({ validator: m.value.validator }) };
  }
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
  return txGas(probe.bytes.length, tx.msgs.map((m) => m.type)) * minGasPrice;
}
