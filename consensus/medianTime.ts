// BFT time (CometBFT `types.MedianTime`): a block's time is the power-weighted median of the
// timestamps of the precommits in its lastCommit. Every timestamp is signed by its validator, and
// honest power is more than half of any commit's signed power, so fewer than 1/3 faulty
// validators cannot move it outside the range of honest clocks; a proposer cannot pick it.
import { BlockIdFlag, type CommitValue } from "../state/encoding/types.ts";

/**
 * `commit.signatures[i]` belongs to `vals[i]`. Undefined when no precommit for the block is in it.
 * PERF: O(n log n) in the validators of the commit.
 */
export function medianTime(commit: CommitValue, vals: readonly { power: number }[]): number | undefined {
  const weighted: { t: number; w: number }[] = [];
  let total = 0;
  commit.signatures.forEach((s, i) => {
    const w = vals[i]?.power ?? 0;
    if (s.flag !== BlockIdFlag.Commit || w <= 0) return;
    weighted.push({ t: s.timestamp, w });
    total += w;
  });
  if (weighted.length === 0) return undefined;
  weighted.sort((a, b) => a.t - b.t);
  let median = Math.floor(total / 2);
  for (const x of weighted) {
    if (median <= x.w) return x.t;
    median -= x.w;
  }
  return weighted[weighted.length - 1]!.t;
}

/**
 * The time the block after one at `lastBlockTime` must carry: genesis time + 1 ms for height 1
 * (empty lastCommit), else the median, and always at least 1 ms after the previous block (votes
 * are timestamped after the block they vote for, so this only matters with skewed clocks).
 */
export function blockTime(
  lastCommit: CommitValue,
  lastVals: readonly { power: number }[],
  lastBlockTime: number,
): number {
  const m = medianTime(lastCommit, lastVals);
  return m === undefined || m <= lastBlockTime ? lastBlockTime + 1 : m;
}
