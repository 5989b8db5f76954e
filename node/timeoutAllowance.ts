// Consensus timeouts that account for block size: a step's configured timeout plus an allowance
// from how long this node took to execute the latest block. A large block must be built (the
// proposer executes it before sending) and executed again by every validator before it prevotes;
// with fixed timeouts a block that takes longer than the prevote or precommit timeout to execute
// on a slow or busy validator fails its round, and the next round's block is as large. Measured,
// not configured: it follows the machine and the load. Liveness only: no safety rule reads it.
//
// The latest block alone says nothing about the next one when load starts: after idle (empty)
// blocks the allowance was ~0, and the first full block (3,111 transfers) failed its round on the
// 2-core devnet in every run (one round change: ~15 s without a block). So the estimate is also
// the per-tx execution time × the txs this node's mempool would put in the next block.

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

/**
 * Per-tx execution time assumed before any block of at least PER_TX_MIN_TXS txs was measured
 * here (ms). bench:pipeline: ~0.25 ms of one node's CPU per tx to propose or validate and commit;
 * four co-located nodes on two cores each get about half a core, so ~0.5 ms of wall time.
 */
export const PRIOR_PER_TX_MS = 0.5;
/** blocks with fewer txs say too little about the per-tx cost (fixed costs dominate) */
export const PER_TX_MIN_TXS = 100;

/** The per-tx estimate after executing a block of `txs` in `ms`: that block's, if it is large enough. */
export function nextPerTxEstimate(prev: number, ms: number, txs: number): number {
  return txs >= PER_TX_MIN_TXS ? ms / txs : prev;
}

/** What executing the next block is expected to take: the latest block's, or its expected txs × the per-tx time. */
export function expectedExecMs(execMs: number, perTxMs: number, expectedTxs: number): number {
  return Math.max(execMs, perTxMs * Math.max(0, expectedTxs));
}
