// What a node keeps of the past (node options, config.json), as the Cosmos SDK's pruning
// settings and CometBFT's block retention:
// - `pruning` decides which past states app queries can still read (`height` param):
//   "default" keeps the last 362,880 heights (the SDK's default), "nothing" keeps every
//   height, "everything" keeps the latest 2 (the SDK's minimum), "custom" takes keepRecent;
//   old states are deleted every `interval` heights. keepRecent and interval are read only with
//   "custom" (the SDK ignores them otherwise too).
// - `minRetainBlocks` keeps the latest N blocks (with their commits, results and validator
//   records) and deletes older ones; 0 keeps all (the SDK's default). Blocks that evidence may
//   still name (consensus params `evidence`: maxAgeNumBlocks and maxAgeDurationMs) are kept
//   whatever it says (evidenceSafeEnd).
// A height outside a window is refused with HeightNotRetained naming the window, never answered
// from whatever happens to be left on disk: the window is exactly what the settings say.
import { ErrorCode, StrataError } from "../state/errors.ts";

export type PruningStrategy = "default" | "nothing" | "everything" | "custom";

export type PruningOptions = {
  pruning: PruningStrategy;
  /** past heights whose state is kept besides the latest (custom only; fixed by the others) */
  keepRecent: number;
  /** run the pruning every this many heights (custom; 10 for default and everything) */
  interval: number;
  /** keep this many latest blocks; 0 = all */
  minRetainBlocks: number;
};

export const DEFAULT_PRUNING: PruningOptions = {
  pruning: "default",
  keepRecent: 362_880,
  interval: 10,
  minRetainBlocks: 0,
};

/** keepRecent for "nothing": every height */
const ALL = Number.MAX_SAFE_INTEGER;

/** The settings the strategy implies (custom keeps what was given). */
export function resolvePruning(o: PruningOptions): PruningOptions {
  switch (o.pruning) {
    case "default":
      return { ...o, keepRecent: 362_880, interval: 10 };
    case "everything":
      return { ...o, keepRecent: 2, interval: 10 };
    case "nothing":
      return { ...o, keepRecent: ALL, interval: 0 };
    case "custom":
      return o;
  }
}

function bad(field: string, why: string): never {
  throw new StrataError(ErrorCode.InvalidConfig, `config.${field}: ${why}`);
}

/**
 * Validates the pruning fields of config.json, named as the SDK's app.toml in camelCase:
 * `pruning`, `pruningKeepRecent`, `pruningInterval`, `minRetainBlocks`.
 */
export function parsePruning(cfg: Record<string, unknown>): PruningOptions {
  const raw: Record<string, unknown> = {};
  if (cfg.pruning !== undefined) raw.pruning = cfg.pruning;
  if (cfg.pruningKeepRecent !== undefined) raw.keepRecent = cfg.pruningKeepRecent;
  if (cfg.pruningInterval !== undefined) raw.interval = cfg.pruningInterval;
  if (cfg.minRetainBlocks !== undefined) raw.minRetainBlocks = cfg.minRetainBlocks;
  const o = { ...DEFAULT_PRUNING, ...raw } as PruningOptions;
  if (!["default", "nothing", "everything", "custom"].includes(o.pruning))
    bad("pruning", `must be "default", "nothing", "everything" or "custom", got ${JSON.stringify(o.pruning)}`);
  const nonNeg = (v: unknown, f: string) => {
    if (!Number.isSafeInteger(v) || (v as number) < 0)
      bad(f, `must be a non-negative integer, got ${JSON.stringify(v)}`);
  };
  nonNeg(o.keepRecent, "pruningKeepRecent");
  nonNeg(o.interval, "pruningInterval");
  nonNeg(o.minRetainBlocks, "minRetainBlocks");
  if (o.pruning === "custom" && o.interval === 0)
    bad("pruningInterval", 'must be at least 1 with pruning "custom" (how often old states are deleted)');
  return resolvePruning(o);
}

/** A human name of the settings, for the window error. */
export function describePruning(o: PruningOptions): string {
  return o.pruning === "nothing" ? 'pruning "nothing"' : `pruning "${o.pruning}", keepRecent ${o.keepRecent}`;
}

/**
 * The lowest height whose state queries may read: the latest minus keepRecent, and never below
 * what was pruned already or where this database began keeping history (`base`).
 */
export function stateWindowStart(latest: number, base: number, o: PruningOptions): number {
  return Math.max(base, latest - Math.min(o.keepRecent, latest));
}

/** The lowest block kept: the latest minRetainBlocks blocks (all when 0). */
export function blockWindowStart(latest: number, base: number, o: PruningOptions): number {
  const want = o.minRetainBlocks > 0 ? latest - o.minRetainBlocks + 1 : 1;
  return Math.max(base, want, 1);
}

/**
 * The end of the run of blocks from `from` that evidence can no longer name: a double sign at h
 * is valid while h is within maxAgeNumBlocks OR maxAgeDurationMs of the head (both must pass,
 * verifyEvidence.ts), and checking it needs h's block time and validator set. A node that pruned
 * them would refuse a block its peers accept, and a validator would escape its slash, so block
 * pruning stops below the first height that is not expired on both counts (the Cosmos SDK bounds
 * its retention height by the evidence age too). Expired at the head stays expired: ages only grow.
 * PERF: no block read when the block count alone keeps everything; else one `timeAt` per
 * expired height (each is read once more by the delete anyway) and one for the first kept.
 */
export function evidenceSafeEnd(
  from: number,
  to: number,
  head: { height: number; time: number },
  params: { maxAgeNumBlocks: number; maxAgeDurationMs: number },
  timeAt: (h: number) => number | undefined,
): number {
  // latest - h > maxAgeNumBlocks  ⟺  h < latest - maxAgeNumBlocks
  const end = Math.min(to, head.height - params.maxAgeNumBlocks);
  let h = from;
  while (h < end) {
    const t = timeAt(h);
    if (t === undefined || head.time - t <= params.maxAgeDurationMs) break;
    h++;
  }
  return h;
}

export function heightNotRetained(
  what: string,
  height: number,
  from: number,
  latest: number,
  setting: string,
): StrataError {
  return new StrataError(
    ErrorCode.HeightNotRetained,
    `${what} of height ${height} is not retained: this node keeps heights ${from} to ${latest} (${setting})`,
  );
}
