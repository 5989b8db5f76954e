// Admission control: a node refuses new txs while its mempool already holds more than it can
// put into the next few blocks (in gas, counted against what a block really carries:
// blockCapacityGas), instead of accepting work it will not finalize in time (the
// default configuration used to accept 52,000 txs and all but stop committing). The refusal is a
// stable code (MempoolFull) with a hint: how long until the backlog is expected to have drained.
//
// Fairness: no one source may take the whole budget. A source is where the tx came from (this
// node's RPC clients, or one gossip peer) and, separately, the account that signed it. One source
// may hold at most 3/4 of the budget, one sender at most 1/4, so a flooder (a client, a peer, or
// an account) always leaves room for the others. Txs from peers may fill the mempool to twice the
// budget (each peer still within its 3/4): the network already accepted them, and a node that
// refuses them lacks the txs of the next proposal and must fetch them while the round runs.
import { ErrorCode, StrataError } from "../state/errors.ts";

/** MempoolFull with the time after which a retry is expected to be admitted. */
export class AdmissionRefused extends StrataError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    // Under a flood thousands are refused per second: capturing a stack for each was 0.7 % of a
    // node's busy time in the profile, for a trace nobody reads (the refusal is an answer).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(ErrorCode.MempoolFull, message);
    Error.stackTraceLimit = limit;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Who handed this node a tx: one of its RPC clients (new work) or a gossip peer. */
export type TxOrigin = { kind: "client" } | { kind: "peer"; peer: string };
export const FROM_CLIENT: TxOrigin = { kind: "client" };

/** The key under which the mempool counts a source's pending gas. */
export function originKey(o: TxOrigin): string {
  return o.kind === "client" ? "client" : `peer:${o.peer}`;
}

/** What is pending now: in all, from the tx's source, and from its sender. */
export type PendingGas = { total: bigint; origin: bigint; sender: bigint };
export type AdmissionLimits = { blockGas: bigint; maxPendingBlocks: number; blockIntervalMs: number };

/** What one block holds (consensus params) and what is pending, for blockCapacityGas. */
export type BlockCapacity = { maxGas: bigint; maxTxs: number; maxBytes: number };
export type PendingSize = { gas: bigint; txs: number; bytes: number };

/**
 * The gas one block actually carries: maxGas, or less when the block's tx count or byte limit
 * binds first (a chain with maxTxs 100 commits 100 transfers a block, 3 M gas, not its 100 M
 * maxGas: a budget in maxGas alone let 30 blocks of txs wait). The pending txs' average gas per
 * tx and per byte (this tx's when nothing is pending) turns those limits into gas.
 * PERF: O(1).
 */
export function blockCapacityGas(b: BlockCapacity, pending: PendingSize, tx: { gas: bigint; bytes: number }): bigint {
  const gas = pending.gas + tx.gas;
  let cap = b.maxGas;
  if (b.maxTxs > 0) {
    const byTxs = (BigInt(b.maxTxs) * gas) / BigInt(pending.txs + 1);
    if (byTxs < cap) cap = byTxs;
  }
  const bytes = pending.bytes + tx.bytes;
  if (b.maxBytes > 0 && bytes > 0) {
    const byBytes = (BigInt(b.maxBytes) * gas) / BigInt(bytes);
    if (byBytes < cap) cap = byBytes;
  }
  return cap > 0n ? cap : 1n;
}

/** Where a tx stands in its sender's nonce order (Mempool.nonceOrder). */
export type NonceOrder = "next" | "fills-gap" | "gapped";

/** peers' txs may fill the mempool to this many times the budget */
export const PEER_BUDGET_FACTOR = 2n;

/**
 * Refuses `gas` more when the pending gas would exceed the budget, `maxPendingBlocks` blocks of
 * `blockGas` (twice that for a peer's tx), or when the tx's source would hold more than 3/4 of
 * the budget, or its sender more than 1/4. The hint is the excess in blocks × the recent block interval (at least a
 * quarter second). PERF: O(1), before any signature is checked.
 */
export function checkAdmission(
  pending: PendingGas,
  gas: bigint,
  origin: TxOrigin,
  l: AdmissionLimits,
  order: NonceOrder = "next",
): void {
  if (l.maxPendingBlocks <= 0 || l.blockGas <= 0n) return;
  // the missing nonce of a sender whose later txs wait here: it turns pending work into work a
  // block can take, so it is never refused (refusing it left a mempool full of txs that could
  // not execute, and refused the very txs that would have let them)
  if (order === "fills-gap") return;
  // new work that cannot execute yet (an earlier nonce is neither committed nor pending here)
  // while more than a block is pending: it would hold budget that executable txs need
  if (order === "gapped" && origin.kind === "client" && pending.total + gas > l.blockGas) {
    const retryAfterMs = Math.max(250, Math.round(l.blockIntervalMs));
    throw new AdmissionRefused(
      `the sender's earlier nonce is not pending here and the node holds more than a block's worth of pending txs: under load it takes only txs that can execute next; send the earlier nonce first, retry in ~${retryAfterMs} ms`,
      retryAfterMs,
    );
  }
  const budget = l.blockGas * BigInt(l.maxPendingBlocks);
  const over = (held: bigint, limit: bigint, what: string) => {
    if (held + gas <= limit) return;
    const blocksAhead = Number((held + gas - limit + l.blockGas - 1n) / l.blockGas);
    const retryAfterMs = Math.max(250, Math.round(blocksAhead * l.blockIntervalMs));
    throw new AdmissionRefused(
      `${what} ${Number((held * 10n) / l.blockGas) / 10} blocks' worth of pending txs (limit ${Number((limit * 10n) / l.blockGas) / 10}): it takes no more work than it can finalize soon; retry in ~${retryAfterMs} ms`,
      retryAfterMs,
    );
  };
  over(pending.total, origin.kind === "peer" ? budget * PEER_BUDGET_FACTOR : budget, "the node holds");
  over(
    pending.origin,
    (budget * 3n) / 4n,
    origin.kind === "peer" ? "the node holds from this peer" : "the node holds from its RPC clients",
  );
  over(pending.sender, budget / 4n, "the node holds from this sender");
}
