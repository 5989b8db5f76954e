// Waiting on the chain's clock, not the test's: a block's time comes from its header (the
// validators' median time), and whatever falls due "at time T" (a jail's end, a matured
// unbonding, a withdrawal delay) is due for the first block whose time reaches T. A slow machine
// stretches the wall-clock wait; the condition stays the same.
import type { StrataClient } from "#client/rpcClient.ts";
import { waitFor } from "./proc.ts";

/**
 * Resolves with the latest height once a block whose header time is at least `time` is committed.
 * That block ran its end-block steps at that time (unbondings paid), so a tx sent now lands in a
 * later block, where anything due at `time` is due.
 */
export async function waitForChainTime(
  c: StrataClient,
  time: string | number,
  what: string,
  timeoutMs = 90_000,
): Promise<number> {
  const due = typeof time === "string" ? Date.parse(time) : time;
  return waitFor(
    `${what} (a block at ${new Date(due).toISOString()} or later)`,
    async () => {
      const s = (await c.status()).sync_info;
      return Date.parse(s.latest_block_time) >= due ? Number(s.latest_block_height) : undefined;
    },
    timeoutMs,
  );
}
