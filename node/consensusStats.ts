// Figures the consensus driver keeps for bench:devnet and the metrics: over the heights this
// process committed by consensus (blocks applied by sync are not counted).

export type ConsensusStats = {
  heights: number;
  msgsThisHeight: number;
  msgsPerHeight: number[];
  proposalToCommitMs: number[];
  rounds: number[];
  signatureVerifications: number;
  proposalTxsFetched: number;
  mempoolTxsPulled: number;
};

export type ConsensusStatsSummary = {
  heights: number;
  proposalToCommitP50Ms: number;
  proposalToCommitP99Ms: number;
  consensusMsgsPerHeight: number;
  roundsAbove0: number;
  proposalTxsFetched: number;
};

/** the series keep this many recent heights, so a long-running node holds bounded figures */
const KEEP = 10_000;

export function newConsensusStats(): ConsensusStats {
  return {
    heights: 0,
    msgsThisHeight: 0,
    msgsPerHeight: [],
    proposalToCommitMs: [],
    rounds: [],
    signatureVerifications: 0,
    proposalTxsFetched: 0,
    mempoolTxsPulled: 0,
  };
}

function pushBounded(xs: number[], x: number): void {
  xs.push(x);
  if (xs.length > KEEP) xs.shift();
}

/** The round a decided height was committed in (recorded before the block is written). */
export function recordDecisionRound(s: ConsensusStats, round: number): void {
  pushBounded(s.rounds, round);
}

/** A height committed by consensus; proposalSeenAt is 0 when no proposal was seen (a replay). */
export function recordCommit(s: ConsensusStats, proposalSeenAt: number, now: number): void {
  s.heights++;
  pushBounded(s.msgsPerHeight, s.msgsThisHeight);
  if (proposalSeenAt) pushBounded(s.proposalToCommitMs, now - proposalSeenAt);
}

function quantile(xs: number[], f: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(f * s.length))]!;
}

export function summarizeConsensusStats(s: ConsensusStats): ConsensusStatsSummary {
  const m = s.msgsPerHeight;
  return {
    heights: s.heights,
    proposalToCommitP50Ms: quantile(s.proposalToCommitMs, 0.5),
    proposalToCommitP99Ms: quantile(s.proposalToCommitMs, 0.99),
    consensusMsgsPerHeight: m.length ? +(m.reduce((a, b) => a + b, 0) / m.length).toFixed(1) : 0,
    roundsAbove0: s.rounds.filter((r) => r > 0).length,
    proposalTxsFetched: s.proposalTxsFetched,
  };
}
