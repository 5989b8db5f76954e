// bench:devnet — a fresh 4-validator devnet (separate processes, loopback), left to run; prints
// JSON: blocks/s, proposal→commit latency p50/p99 and consensus messages per height, per node.
//   node bench/devnet.ts [--validators 4] [--seconds 30] [--timeout-commit 1000]
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDevnet } from "../cli/devnet.ts";
import { homePaths } from "../node/config.ts";
import { StrataClient } from "../client/rpcClient.ts";

const { values } = parseArgs({ options: { validators: { type: "string", default: "4" }, seconds: { type: "string", default: "30" }, "timeout-commit": { type: "string", default: "1000" } } });
const N = Number(values.validators);
const SECONDS = Number(values.seconds);
const STRATA = fileURLToPath(new URL("../cli/strata.ts", import.meta.url));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-devnet-"));
  const { homes, rpc } = await createDevnet(dir, N, { basePort: 46656, timeoutCommitMs: Number(values["timeout-commit"]) });
  for (const h of homes) {
    const p = homePaths(h).config;
    const c = JSON.parse(readFileSync(p, "utf8"));
    c.metrics.enabled = false;
    writeFileSync(p, JSON.stringify(c));
  }
  const procs = homes.map((h) => spawn(process.execPath, [STRATA, "start", "--home", h, "--log-level", "warn"], { stdio: "ignore" }));
  const clients = rpc.map((u) => new StrataClient(u));
  const height = async (c: StrataClient) => Number((await c.status()).sync_info.latest_block_height);
  try {
    // wait for the first block, then measure a window
    for (;;) {
      try {
        if ((await height(clients[0])) >= 1) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    const h0 = await height(clients[0]);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const h1 = await height(clients[0]);
    const elapsed = (Date.now() - t0) / 1000;
    const perNode = await Promise.all(clients.map(async (c) => (await c.call<{ round_state: { stats: Record<string, number> } }>("consensus_state")).round_state.stats));
    const times: number[] = [];
    for (let h = h0 + 1; h <= h1; h++) times.push(Date.parse((await clients[0].block(h)).block.header.time));
    const intervals = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          bench: "devnet",
          validators: N,
          seconds: +elapsed.toFixed(1),
          timeoutCommitMs: Number(values["timeout-commit"]),
          blocks: h1 - h0,
          blocksPerSec: +((h1 - h0) / elapsed).toFixed(3),
          blockIntervalP50Ms: intervals[Math.floor(intervals.length / 2)] ?? null,
          proposalToCommitP50Ms: Math.max(...perNode.map((s) => s.proposalToCommitP50Ms)),
          proposalToCommitP99Ms: Math.max(...perNode.map((s) => s.proposalToCommitP99Ms)),
          consensusMsgsPerHeight: +(perNode.reduce((a, s) => a + s.consensusMsgsPerHeight, 0) / perNode.length).toFixed(1),
          heightsNeedingExtraRounds: Math.max(...perNode.map((s) => s.roundsAbove0)),
          perNode,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const p of procs) p.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
