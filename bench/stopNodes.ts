// How a bench ends its nodes: at once (SIGKILL), or cleanly when profiling so that each node
// writes its --cpu-prof profile; then the bench's directory goes.
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

export async function stopNodes(procs: readonly ChildProcess[], dir: string, nodesProfiled = false): Promise<void> {
  const profiling = nodesProfiled || (process.env.NODE_OPTIONS ?? "").includes("--cpu-prof");
  for (const p of procs) p.kill(profiling ? "SIGTERM" : "SIGKILL");
  if (profiling) await Promise.all(procs.map((p) => new Promise((r) => p.once("exit", r))));
  rmSync(dir, { recursive: true, force: true });
}

/** Waits until the node behind `client` has committed its first block. */
export async function waitForFirstBlock(client: {
  status(): Promise<{ sync_info: { latest_block_height: string } }>;
}): Promise<void> {
  for (;;) {
    try {
      if (Number((await client.status()).sync_info.latest_block_height) >= 1) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
