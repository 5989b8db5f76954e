// bench:devnet — a fresh devnet (separate processes, loopback). Measures consensus alone for a
// few seconds (blocks/s, proposal→commit, messages per height), then runs the load generator
// (bench/load.ts) for --seconds and prints JSON: finalized tx/s, submit→finality p50/p99, block
// interval, lost txs, mempool peak, RSS and CPU per node. --validators 1 runs a lone validator.
//   node bench/devnet.ts [--validators 4] [--seconds 60] [--accounts 2000] [--rate 0] [--idle 10]
//                        [--timeout-commit 1000] [--block-max-txs 0] [--block-max-gas 0] [--kill-one]
//                        [--client-tx-hold-ms N] (the nodes' consensus.clientTxHoldMs)
import { parseArgs } from "node:util";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createDevnet, devnetNodeArgv, devnetNodeEnv } from "../cli/devnet.ts";
import { homePaths } from "../node/config.ts";
import { StrataClient } from "../client/rpcClient.ts";
import { ONE } from "../state/denoms.ts";
import { testKey } from "../test/fixtures/memChain.ts";
import { runLoad } from "./load.ts";
import { stopNodes, waitForFirstBlock } from "./stopNodes.ts";
import { colocatedCeiling, ed25519Ceiling } from "./ceiling.ts";

const { values } = parseArgs({
  options: {
    validators: { type: "string", default: "4" },
    seconds: { type: "string", default: "60" },
    idle: { type: "string", default: "10" },
    accounts: { type: "string", default: "2000" },
    rate: { type: "string", default: "0" },
    "timeout-commit": { type: "string", default: "1000" },
    "block-max-txs": { type: "string", default: "0" },
    "block-max-gas": { type: "string", default: "0" },
    "kill-one": { type: "boolean", default: false },
    "node-flags": { type: "string", default: "" },
    "verify-workers": { type: "string", default: "" },
    "tx-index": { type: "string", default: "" },
    "max-pending-blocks": { type: "string", default: "" },
    "client-tx-hold-ms": { type: "string", default: "" },
    concurrency: { type: "string", default: "16" },
  },
});
const N = Number(values.validators);
const SECONDS = Number(values.seconds);
const ACCOUNTS = Number(values.accounts);
const NODE_FLAGS = values["node-flags"] ? values["node-flags"].split(" ") : [];
const CLK = 100; // clock ticks per second on Linux

/** the machine's CPU ticks (all cores): busy and idle, from /proc/stat's first line */
function machineTicks(): { busy: number; idle: number } {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
    return { busy: f.reduce((a, b) => a + b, 0) - idle, idle };
  } catch {
    return { busy: 0, idle: 0 };
  }
}

function procStats(pid: number): { rssMb: number; cpuTicks: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return { rssMb: rss, cpuTicks: Number(stat[11]) + Number(stat[12]) };
  } catch {
    return { rssMb: 0, cpuTicks: 0 };
  }
}

async function main() {
  // the machine's ceiling first, before any node loads the CPU
  // per CPU-second: the machine's ceiling, whatever else runs on it now (the wall-clock rate,
  // which that load lowers, is printed beside it)
  const verifyRate = ed25519Ceiling();
  // This VM's speed drifts within minutes (one morning: 14.2k to 20k libsodium verifies per
  // CPU-second at the start of back-to-back runs), so the rate is measured again right after the
  // load and the ceiling is the mean of both; each is printed.
  const ceilingOf = (start: ReturnType<typeof ed25519Ceiling>, end: ReturnType<typeof ed25519Ceiling>) => {
    const node = Math.round((start.nodePerCpuSecond + end.nodePerCpuSecond) / 2);
    const openSsl = Math.round((start.nodeCryptoPerCpuSecond + end.nodeCryptoPerCpuSecond) / 2);
    return {
      ...colocatedCeiling(node, N),
      verifier: start.nodeVerifier,
      verifiesPerSecAtStartAndEnd: [start.nodePerCpuSecond, end.nodePerCpuSecond],
      /** the ceiling as issue 17 first measured it (OpenSSL), for comparison with earlier runs */
      openSslVerifiesPerSecOneCore: openSsl,
      openSslTxPerSec: colocatedCeiling(openSsl, N).txPerSec,
      wallClockVerifiesPerSecNow: start.nodeCrypto,
    };
  };
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-devnet-"));
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => testKey(i));
  const { homes, rpc } = await createDevnet(dir, N, {
    basePort: 16656,
    timeoutCommitMs: Number(values["timeout-commit"]),
    blockMaxTxs: Number(values["block-max-txs"]) || undefined,
    blockMaxGas: BigInt(values["block-max-gas"]) || undefined,
    extraAccounts: keys.map((k) => ({ address: k.bech32, stra: 1000n * ONE })),
  });
  for (const h of homes) {
    const p = homePaths(h).config;
    const c = JSON.parse(readFileSync(p, "utf8"));
    c.metrics.enabled = false;
    c.rpc.maxRequestsPerSecond = 0;
    if (values["verify-workers"] !== "") c.verifyWorkers = Number(values["verify-workers"]);
    if (values["tx-index"] !== "") c.txIndex = { events: values["tx-index"] !== "off" };
    if (values["max-pending-blocks"] !== "")
      c.mempool = { ...c.mempool, maxPendingBlocks: Number(values["max-pending-blocks"]) };
    if (values["client-tx-hold-ms"] !== "")
      c.consensus = { ...c.consensus, clientTxHoldMs: Number(values["client-tx-hold-ms"]) };
    writeFileSync(p, JSON.stringify(c));
  }
  const startNode = (home: string): ChildProcess =>
    spawn(process.execPath, devnetNodeArgv(home, NODE_FLAGS, ["--log-level", "warn"]), {
      stdio: "ignore",
      env: devnetNodeEnv(),
    });
  const procs = homes.map(startNode);
  const clients = rpc.map((u) => new StrataClient(u));
  const height = async (c: StrataClient) => Number((await c.status()).sync_info.latest_block_height);
  try {
    await waitForFirstBlock(clients[0]);
    // consensus alone
    const h0 = await height(clients[0]);
    const tIdle = Date.now();
    await new Promise((r) => setTimeout(r, Number(values.idle) * 1000));
    const h1 = await height(clients[0]);
    const idle = await Promise.all(
      clients.map(
        async (c) =>
          (await c.call<{ round_state: { stats: Record<string, number> } }>("consensus_state")).round_state.stats,
      ),
    );
    const consensus = {
      blocksPerSec: +((h1 - h0) / ((Date.now() - tIdle) / 1000)).toFixed(3),
      proposalToCommitP50Ms: Math.max(...idle.map((s) => s.proposalToCommitP50Ms)),
      proposalToCommitP99Ms: Math.max(...idle.map((s) => s.proposalToCommitP99Ms)),
      consensusMsgsPerHeight: +(idle.reduce((a, s) => a + s.consensusMsgsPerHeight, 0) / idle.length).toFixed(1),
    };
    // load
    let mempoolPeak = 0;
    const rssPeak = procs.map(() => 0);
    const cpu0 = procs.map((p) => procStats(p.pid!).cpuTicks);
    const machine0 = machineTicks();
    const self0 = process.cpuUsage();
    const t0 = Date.now();
    const sampler = setInterval(async () => {
      procs.forEach((p, i) => (rssPeak[i] = Math.max(rssPeak[i], procStats(p.pid!).rssMb)));
      try {
        mempoolPeak = Math.max(
          mempoolPeak,
          Number((await clients[0].call<{ total: string }>("num_unconfirmed_txs")).total),
        );
      } catch {}
    }, 500);
    // --kill-one: a third into the load, kill -9 the second validator; restart it 5 s later
    let restarts = 0;
    const killer =
      values["kill-one"] && N > 1
        ? setTimeout(
            () => {
              procs[1].kill("SIGKILL");
              setTimeout(() => {
                procs[1] = startNode(homes[1]);
                cpu0[1] = 0;
                restarts++;
              }, 5000);
            },
            (SECONDS * 1000) / 3,
          )
        : undefined;
    const perAccount = Math.max(1, Math.ceil((SECONDS * (N === 1 ? 8000 : 4000)) / ACCOUNTS));
    const load = await runLoad({
      rpcUrls: values["kill-one"] ? rpc.filter((_, i) => i !== 1) : rpc,
      wsUrl: rpc[0].replace("http", "ws"),
      chainId: "strata-devnet",
      keys,
      txsPerAccount: Math.min(perAccount, 900),
      rate: Number(values.rate),
      maxSeconds: SECONDS,
      batch: 100,
      concurrency: Number(values.concurrency),
    });
    clearInterval(sampler);
    clearTimeout(killer);
    const wall = (Date.now() - t0) / 1000;
    const cpuTicks = procs.map((p, i) => procStats(p.pid!).cpuTicks - cpu0[i]);
    const cpu = cpuTicks.map((t) => +((t / CLK / wall) * 100).toFixed(0));
    // where the rest of the machine went: the load generator (this process) and idle time
    const self = process.cpuUsage(self0);
    const machine1 = machineTicks();
    const machineTotal = machine1.busy - machine0.busy + (machine1.idle - machine0.idle);
    const machineIdlePercent = machineTotal ? +((100 * (machine1.idle - machine0.idle)) / machineTotal).toFixed(0) : 0;
    // CPU the nodes spent per finalized tx, against what its signature checks alone cost (every
    // node verifies every tx once): robust to a shared machine, where wall-clock rates are not
    const cpuMsPerTx = load.finalized ? (cpuTicks.reduce((a, b) => a + b, 0) * (1000 / CLK)) / load.finalized : 0;
    const ceiling = ceilingOf(verifyRate, ed25519Ceiling());
    const verifyMsPerTx = (N * 1000) / ceiling.ed25519VerifiesPerSecOneCore;
    const after = await Promise.all(
      clients.map(
        async (c) =>
          (await c.call<{ round_state: { stats: Record<string, number> } }>("consensus_state")).round_state.stats,
      ),
    );
    const underLoad = {
      proposalToCommitP50Ms: Math.max(...after.map((s) => s.proposalToCommitP50Ms)),
      proposalToCommitP99Ms: Math.max(...after.map((s) => s.proposalToCommitP99Ms)),
      heightsNeedingExtraRounds: Math.max(...after.map((s) => s.roundsAbove0)),
      proposalTxsFetchedPerNode: after.map((s) => s.proposalTxsFetched),
    };
    const forks = new Set<string>();
    const hTop = Math.min(...(await Promise.all(clients.map(height))));
    for (const c of clients) forks.add((await c.block(hTop)).block_id.hash);
    console.log(
      JSON.stringify(
        {
          bench: "devnet",
          validators: N,
          timeoutCommitMs: Number(values["timeout-commit"]),
          blockMaxTxs: Number(values["block-max-txs"]) || "genesis default (20000)",
          txIndex: values["tx-index"] !== "off",
          consensus,
          load: { seconds: SECONDS, accounts: ACCOUNTS, targetRate: Number(values.rate) || "max", ...load },
          // finalized tx/s against what this machine allows when every node verifies every tx
          ceiling: {
            ...ceiling,
            finalizedFraction: +(load.finalizedPerSec / ceiling.txPerSec).toFixed(3),
            fractionOfOpenSslCeiling: +(load.finalizedPerSec / ceiling.openSslTxPerSec).toFixed(3),
          },
          perTx: {
            nodesCpuMs: +cpuMsPerTx.toFixed(3),
            signatureChecksMs: +verifyMsPerTx.toFixed(3),
            ratio: +(cpuMsPerTx / verifyMsPerTx).toFixed(2),
          },
          loadAverage: loadavg().map((x) => +x.toFixed(1)),
          consensusUnderLoad: underLoad,
          mempoolPeak,
          rssPeakMbPerNode: rssPeak.map((x) => Math.round(x)),
          cpuPercentPerNode: cpu,
          loadGeneratorCpuPercent: +(((self.user + self.system) / 1e6 / wall) * 100).toFixed(0),
          machineIdlePercent,
          distinctBlockIdsAtCommonHeight: forks.size,
          validatorRestartedAfterKill9: values["kill-one"] ? restarts === 1 : "not requested",
        },
        null,
        2,
      ),
    );
  } finally {
    await stopNodes(
      procs,
      dir,
      NODE_FLAGS.some((f) => f.startsWith("--cpu-prof")),
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
