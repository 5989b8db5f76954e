import { ErrorCode, StrataError } from "../errors.ts";
import { verifySignature } from "../crypto/ed25519.ts";
import { balanceOf, getAccount } from "../modules/bank/keeper.ts";
import type { TxParamsValue } from "../params.ts";
import type { KVReader } from "../store/types.ts";
import { txSignBytesOf, type DecodedTx } from "./decodeTx.ts";

/** Rules that need the chain's params but no account state: chain id, size, fee floor. */
export function checkTxForChain(tx: DecodedTx, chainId: string, params: TxParamsValue): void {
  if (tx.chainId !== chainId) {
    throw new StrataError(ErrorCode.WrongChainId, `tx is for chain "${tx.chainId}", this chain is "${chainId}"`);
  }
  if (tx.bytes.length > params.maxTxBytes) {
    throw new StrataError(ErrorCode.TxTooLarge, `tx is ${tx.bytes.length} bytes, limit is ${params.maxTxBytes}`);
  }
  const minFee = tx.gas * params.minGasPrice;
  if (tx.body.fee < minFee) {
    throw new StrataError(
      ErrorCode.InsufficientFee,
      `fee ${tx.body.fee} is below ${minFee} (gas ${tx.gas} × min gas price ${params.minGasPrice})`,
    );
  }
}

/** PERF: one ed25519 verify (~80 µs on node:crypto); skipped where the node cached a success. */
export function badSignature(): StrataError {
  return new StrataError(ErrorCode.BadSignature, "signature does not verify for signer and tx body");
}

export function checkTxSignature(tx: DecodedTx): void {
  if (!verifySignature(tx.body.signer, txSignBytesOf(tx), tx.signature)) throw badSignature();
}

/**
 * Stateful rules of the tx envelope. `nonceMode` "exact" is block execution; "pending" is the
 * mempool, which may hold later nonces of a sender (their ordering is the mempool's job).
 */
export function checkTxAgainstAccount(store: KVReader, tx: DecodedTx, nonceMode: "exact" | "pending"): void {
  const acct = getAccount(store, tx.sender);
  const n = tx.body.nonce;
  if (n < acct.nonce)
    throw new StrataError(ErrorCode.NonceTooLow, `nonce ${n} already used; account nonce is ${acct.nonce}`);
  if (nonceMode === "exact" && n > acct.nonce) {
    throw new StrataError(ErrorCode.NonceTooHigh, `nonce ${n} is ahead of account nonce ${acct.nonce}`);
  }
  const stra = balanceOf(acct, "stra");
  if (stra < tx.body.fee) {
    throw new StrataError(ErrorCode.InsufficientFunds, `cannot pay fee ${tx.body.fee}stra, balance is ${stra}stra`);
  }
}
