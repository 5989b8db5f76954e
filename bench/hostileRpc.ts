// bench:hostile — does RPC abuse delay blocks? A fresh devnet (separate processes, loopback) is
// filled with transfers (so event scans have real data), then measured twice for --seconds:
// unloaded, and under a hostile query load (--clients parallel loops, each POSTing batches of
// --batch tx_search scans, as issue 14's probe did). Each phase reports the block interval (from
// header times) and `status` latency (a probe every 50 ms); the JSON also holds the machine's
// ed25519 ceiling (verifies/s on one core) so figures from different machines can be compared.
//   node bench/hostileRpc.ts [--validators 1] [--seconds 20] [--clients 20] [--batch 100] [--fill 15] [--accounts 1000] [--node-log file]
import { parseArgs } from "node:util";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ed25519Ceiling } from "./ceiling.ts";
import { stopNodes, waitForFirstBlock } from "./stopNodes.ts";
import { createDevnet } from "../cli/devnet.ts";
import { homePaths } from "../node/config.ts";
import { StrataClient } from "../client/rpcClient.ts";
import { ONE } from "../state/denoms.ts";
import { testKey } from "../test/fixtures/memChain.ts";
import { runLoad } from "./load.ts";

const { values } = parseArgs({
  options: {
    validators: { type: "string", default: "1" },
    seconds: { type: "string", default: "20" },
    clients: { type: "string", default: "20" },
    batch: { type: "string", default: "100" },
    fill: { type: "string", default: "15" },
    accounts: { type: "string", default: "1000" },
    "timeout-commit": { type: "string", default: "1000" },
    "base-port": { type: "string", default: "17656" },
    "node-log": { type: "string", default: "" },
  },
});
const N = Number(values.validators);
const SECONDS = Number(values.seconds);
const STRATA = fileURLToPath(new URL("../cli/strata.ts", import.meta.url));

const q = (xs: number[], f: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))]! : 0;
const stats = (xs: number[]) => ({
  n: xs.length,
  mean: xs.length ? +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1) : 0,
  p50: +q(xs, 0.5).toFixed(1),
  p99: +q(xs, 0.99).toFixed(1),
  max: +Math.max(0, ...xs).toFixed(1),
});

async function post(url: string, body: string, signal?: AbortSignal): Promise<unknown> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal });
  return r.json();
}

/** Block intervals (ms) between header times of heights (from, to]. */
async function intervals(url: string, from: number, to: number): Promise<number[]> {
  const times = new Map<number, number>();
  for (let max = to; max >= from; max -= 20) {
    const r = (await post(
      url,
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "blockchain",
        params: { minHeight: String(Math.max(from, max - 19)), maxHeight: String(max) },
      }),
    )) as { result: { block_metas: { header: { height: string; time: string } }[] } };
    for (const m of r.result.block_metas) times.set(Number(m.header.height), Date.parse(m.header.time));
  }
  const out: number[] = [];
  for (let h = from + 1; h <= to; h++)
    if (times.has(h) && times.has(h - 1)) out.push(times.get(h)! - times.get(h - 1)!);
  return out;
}

type Outcomes = Record<string, number>;

/** The node's height, retried for a while: right after a load the node may still be draining it. */
async function height(client: StrataClient): Promise<number> {
  for (let i = 0; ; i++) {
    try {
      return Number((await client.status()).sync_info.latest_block_height);
    } catch (e) {
      if (i >= 100) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** Resident memory of a process, MB (Linux). */
function rssMb(pid: number | undefined): number {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/** Measures one phase: block interval, status latency and the node's peak RSS, while `load` (if any) runs. */
async function phase(
  url: string,
  client: StrataClient,
  pid: number | undefined,
  load?: (stop: () => boolean, out: Outcomes, signal: AbortSignal) => Promise<void>,
) {
  const h0 = await height(client);
  const end = Date.now() + SECONDS * 1000;
  const stop = () => Date.now() > end;
  const outcomes: Outcomes = {};
  // at the end of the phase, requests still in flight are abandoned (a node without budgets may
  // take a minute to answer a batch)
  const abort = new AbortController();
  const loadDone = load ? load(stop, outcomes, abort.signal) : Promise.resolve();
  const latency: number[] = [];
  let statusErrors = 0;
  let rssPeakMb = 0;
  while (!stop()) {
    rssPeakMb = Math.max(rssPeakMb, rssMb(pid));
    const t0 = performance.now();
    try {
      const r = (await post(url, '{"jsonrpc":"2.0","id":1,"method":"status"}')) as { result?: unknown };
      if (r.result) latency.push(performance.now() - t0);
      else statusErrors++;
    } catch {
      statusErrors++;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  abort.abort();
  await loadDone;
  const h1 = await height(client);
  return {
    heights: h1 - h0,
    blockIntervalMs: stats(await intervals(url, h0, h1)),
    statusLatencyMs: stats(latency),
    statusErrors,
    nodeRssPeakMb: rssPeakMb,
    hostileOutcomes: load ? outcomes : undefined,
  };
}

/** `clients` loops, each POSTing a batch of `batch` tx_search scans and sending the next when answered. */
function hostile(url: string, senders: string[]) {
  const queries = ["tm.event='Tx'", "transfer.amount>0", "tx.height>1", ...senders.map((s) => `message.sender='${s}'`)];
  return async (stop: () => boolean, out: Outcomes, signal: AbortSignal) => {
    const loop = async (c: number) => {
      const body = JSON.stringify(
        Array.from({ length: Number(values.batch) }, (_, i) => ({
          jsonrpc: "2.0",
          id: i,
          method: "tx_search",
          params: { query: queries[(c + i) % queries.length], per_page: "100" },
        })),
      );
      while (!stop()) {
        try {
          const r = (await post(url, body, signal)) as
            | { result?: unknown; error?: { data?: { name?: string } } }[]
            | { error?: { data?: { name?: string } } };
          for (const x of Array.isArray(r) ? r : [r]) {
            const k = "result" in x ? "ok" : (x.error?.data?.name ?? "error");
            out[k] = (out[k] ?? 0) + 1;
          }
        } catch (e) {
          const k = signal.aborted ? "unanswered at phase end" : `transport: ${(e as Error).message}`;
          out[k] = (out[k] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Number(values.clients) }, (_, c) => loop(c)));
  };
}

async function main() {
  const ceiling = ed25519Ceiling();
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-hostile-"));
  const keys = Array.from({ length: Number(values.accounts) }, (_, i) => testKey(i));
  const { homes, rpc } = await createDevnet(dir, N, {
    basePort: Number(values["base-port"]),
    timeoutCommitMs: Number(values["timeout-commit"]),
    extraAccounts: keys.map((k) => ({ address: k.bech32, stra: 1000n * ONE })),
  });
  for (const h of homes) {
    const p = homePaths(h).config;
    const c = JSON.parse(readFileSync(p, "utf8"));
    c.metrics.enabled = false;
    c.rpc.maxRequestsPerSecond = 0;
    writeFileSync(p, JSON.stringify(c));
  }
  // --node-log <file>: the first node's stderr, to see why a node died under the load
  const procs: ChildProcess[] = homes.map((home, i) =>
    spawn(process.execPath, [STRATA, "start", "--home", home, "--log-level", "warn"], {
      stdio: ["ignore", "ignore", i === 0 && values["node-log"] ? openSync(values["node-log"], "w") : "ignore"],
    }),
  );
  const url = rpc[0]!;
  const client = new StrataClient(url);
  try {
    await waitForFirstBlock(client);
    const fill = await runLoad({
      rpcUrls: rpc,
      wsUrl: url.replace("http", "ws"),
      chainId: "strata-devnet",
      keys,
      txsPerAccount: 30,
      rate: 0,
      maxSeconds: Number(values.fill),
      batch: 100,
    });
    const unloaded = await phase(url, client, procs[0]!.pid);
    const loaded = await phase(
      url,
      client,
      procs[0]!.pid,
      hostile(
        url,
        keys.slice(0, 5).map((k) => k.bech32),
      ),
    );
    console.log(
      JSON.stringify(
        {
          bench: "hostileRpc",
          validators: N,
          timeoutCommitMs: Number(values["timeout-commit"]),
          chain: { height: await height(client), txsCommitted: fill.finalized },
          hostileLoad: {
            clients: Number(values.clients),
            batch: Number(values.batch),
            method: "tx_search",
            seconds: SECONDS,
          },
          unloaded,
          loaded,
          blockIntervalLoadedOverUnloaded: +(loaded.blockIntervalMs.mean / unloaded.blockIntervalMs.mean).toFixed(3),
          ed25519VerifiesPerSecOneCore: ceiling,
        },
        null,
        2,
      ),
    );
  } finally {
    await stopNodes(procs, dir);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
