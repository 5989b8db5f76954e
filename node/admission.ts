// Admission control: a node refuses new txs while its mempool already holds more gas than it can
// put into the next few blocks, instead of accepting work it will not finalize in time (the
// default configuration used to accept 52,000 txs and all but stop committing). The refusal is a
// stable code (MempoolFull) with a hint: how long until the backlog is expected to have drained.
import { ErrorCode, StrataError } from "../state/errors.ts";

/** MempoolFull with the time after which a retry is expected to be admitted. */
export class AdmissionRefused extends StrataError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(ErrorCode.MempoolFull, message);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Refuses `gas` more when the pending gas would exceed `maxPendingBlocks` blocks of `blockGas`;
 * the hint is the excess in blocks × the recent block interval (at least a quarter second).
 */
export function checkAdmission(pendingGas: bigint, gas: bigint, blockGas: bigint, maxPendingBlocks: number, blockIntervalMs: number): void {
  if (maxPendingBlocks <= 0 || blockGas <= 0n) return;
  const budget = blockGas * BigInt(maxPendingBlocks);
  if (pendingGas + gas <= budget) return;
  const blocksAhead = Number((pendingGas + gas - budget + blockGas - 1n) / blockGas);
  const retryAfterMs = Math.max(250, Math.round(blocksAhead * blockIntervalMs));
  throw new AdmissionRefused(
    `the node holds ${Number((pendingGas * 10n) / blockGas) / 10} blocks' worth of pending txs (limit ${maxPendingBlocks}): it takes no more work than it can finalize soon; retry in ~${retryAfterMs} ms`,
    retryAfterMs,
  );
}
