// The node's own health, as the `health` RPC reports it: unhealthy while catching up with peers,
// or when no block was committed for `staleBlocks` × the expected block time. The expected block
// time is learned from the blocks themselves (an average of recent intervals), never below the
// configured commit timeout, so a slow-but-live chain is not flagged and a stalled one is.
import { ErrorCode, StrataError } from "../state/errors.ts";
import type { Chain } from "./chain.ts";

export type HealthOptions = {
  chain: Chain;
  catchingUp: () => boolean;
  /** the highest height peers reported (undefined until they were asked) */
  peerHeight?: () => number | undefined;
  minBlockTimeMs: number;
  staleBlocks: number;
  now?: () => number;
};

/** Blocks a node may trail its peers by and still be in step (a block in flight, a slow gossip). */
const BEHIND_TOLERANCE = 2;

export function healthCheck(o: HealthOptions): () => void {
  const now = o.now ?? Date.now;
  let lastBlockAt = now(); // a node that just started gets a full window before it is stale
  let avgMs = o.minBlockTimeMs;
  // "caught up" is decided against the peers, never assumed: a node that just started (at height
  // 0, or restarted 40 blocks behind) is not healthy until it committed a block or its peers
  // confirmed it is level with them
  let inStepSinceStart = false;
  o.chain.on("block", () => {
    inStepSinceStart = true;
    const t = now();
    avgMs = avgMs * 0.9 + (t - lastBlockAt) * 0.1;
    lastBlockAt = t;
  });
  return () => {
    if (o.catchingUp())
      throw new StrataError(
        ErrorCode.NodeCatchingUp,
        `node is catching up: at height ${o.chain.height}, syncing blocks from peers`,
      );
    const peers = o.peerHeight?.();
    if (peers !== undefined && peers > o.chain.height + BEHIND_TOLERANCE)
      throw new StrataError(
        ErrorCode.NodeCatchingUp,
        `node is ${peers - o.chain.height} blocks behind its peers (at ${o.chain.height}, peers at ${peers})`,
      );
    if (!inStepSinceStart && (peers === undefined || peers > o.chain.height)) {
      throw new StrataError(
        ErrorCode.NodeCatchingUp,
        `node started at height ${o.chain.height} and has not yet committed a block or confirmed its peers are no further`,
      );
    }
    const limit = o.staleBlocks * Math.max(o.minBlockTimeMs, avgMs);
    const age = now() - lastBlockAt;
    if (age > limit)
      throw new StrataError(
        ErrorCode.NoRecentBlock,
        `no block committed for ${(age / 1000).toFixed(1)} s (limit ${(limit / 1000).toFixed(1)} s = ${o.staleBlocks} × expected block time); last height ${o.chain.height}`,
      );
  };
}
