// Gas: each message kind declares its fixed gas in its module's manifest, so the cost is known
// before execution, the fee check is stateless and a block's gas is the sum of its txs' gas.
// Figures are relative work estimates: a transfer touches three accounts; the base covers
// signature verification and nonce/fee bookkeeping.
import { MSG_KINDS } from "./msgs.ts";

export const TX_BASE_GAS = 10_000n;
export const GAS_PER_BYTE = 10n;

/** Gas of a tx of `txBytes` carrying `msgTypes`; an unknown type is a decode error before this. */
export function txGas(txBytes: number, msgTypes: readonly string[]): bigint {
  let gas = TX_BASE_GAS + GAS_PER_BYTE * BigInt(txBytes);
  for (const t of msgTypes) {
    const kind = MSG_KINDS.get(t);
    if (!kind) throw new Error(`gas: unknown message type "${t}"`);
    gas += kind.gas;
  }
  return gas;
}
