// The tx topic's validator: a batch is accepted only if every tx in it passes the stateless rules
// (canonical bytes, known messages, field checks) and names this chain. Garbage, truncated or
// wrong-chain txs are provably the sender's fault, so the batch is rejected and its sender's
// score drops; whether a well-formed tx is still admissible (nonce, balance, signature) depends
// on state and is left to the mempool. PERF: ~10 µs per tx (one SSZ decode and re-encode).
import { decodeTx } from "../state/tx/decodeTx.ts";
import { TxBatchMsg } from "./wire.ts";

export type TxBatchVerdict = "accept" | "reject";

export function txBatchVerdict(data: Uint8Array, chainId: string): TxBatchVerdict {
  let txs: Uint8Array[];
  try {
    txs = TxBatchMsg.deserialize(data).txs;
  } catch {
    return "reject";
  }
  if (txs.length === 0) return "reject";
  for (const bytes of txs) {
    try {
      if (decodeTx(bytes).chainId !== chainId) return "reject";
    } catch {
      return "reject";
    }
  }
  return "accept";
}
