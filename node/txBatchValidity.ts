// The tx topic's validator: a batch is accepted only if every tx in it passes the stateless rules
// (canonical bytes, known messages, field checks) and names this chain. Garbage, truncated or
// wrong-chain txs are provably the sender's fault, so the batch is rejected and its sender's
// score drops; whether a well-formed tx is still admissible (nonce, balance, signature) depends
// on state and is left to the mempool. PERF: ~10 µs per tx (one SSZ decode and re-encode); the
// decoded txs are handed to the mempool so that it does not decode them again.
import { decodeTx, type DecodedTx } from "../state/tx/decodeTx.ts";
import { TxBatchMsg } from "./wire.ts";

export type TxBatchVerdict = "accept" | "reject";

/** The batch's txs, decoded, if the batch is acceptable; undefined if it must be rejected. */
export function decodeTxBatch(data: Uint8Array, chainId: string): DecodedTx[] | undefined {
  let txs: Uint8Array[];
  try {
    txs = TxBatchMsg.deserialize(data).txs;
  } catch {
    return undefined;
  }
  if (txs.length === 0) return undefined;
  const out: DecodedTx[] = [];
  for (const bytes of txs) {
    try {
      const tx = decodeTx(bytes);
      if (tx.chainId !== chainId) return undefined;
      out.push(tx);
    } catch {
      return undefined;
    }
  }
  return out;
}

export function txBatchVerdict(data: Uint8Array, chainId: string): TxBatchVerdict {
  return decodeTxBatch(data, chainId) ? "accept" : "reject";
}
