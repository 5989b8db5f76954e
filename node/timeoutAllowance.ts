// Consensus timeouts that account for block size: a step's configured timeout plus an allowance
// from how long this node took to execute the latest block. A large block must be built (the
// proposer executes it before sending) and executed again by every validator before it prevotes;
// with fixed timeouts a block that takes longer than the prevote or precommit timeout to execute
// on a slow or busy validator fails its round, and the next round's block is as large. Measured,
// not configured: it follows the machine and the load. Liveness only: no safety rule reads it.

/** the allowance never exceeds this (a stalled execution must not stall the rounds for long) */
export const MAX_ALLOWANCE_MS = 10_000;

/**
 * Extra milliseconds for a propose, prevote or precommit timeout when executing the latest block
 * took `execMs` here: twice that (one execution at the proposer, one here), at most MAX_ALLOWANCE_MS.
 */
export function timeoutAllowanceMs(execMs: number): number {
  return Math.min(MAX_ALLOWANCE_MS, Math.round(2 * Math.max(0, execMs)));
}

/** The execution time the allowance follows: the latest block's, decaying slowly after a large one. */
export function nextExecEstimate(prev: number, latest: number): number {
  return Math.max(latest, prev * 0.7);
}
