// bench:unread — what clients that ask for large answers and never read them cost a node's
// memory, and that the node gives it back: a lone validator is loaded with transfers for a few
// seconds (so its blocks are large), then CLIENTS keep-alive connections each send PIPELINED
// requests for the largest block and read nothing. Prints the node's RSS before, at the peak and
// after the RPC's idle timeout (rpc.idleTimeoutMs, set low here) closed those connections, and
// whether the chain committed throughout. One JSON object.
// --websocket: the same over WebSocket connections (requests in flight, the socket never read).
// --batch N: each request a JSON-RPC batch of N requests for that block.
//   node bench/unreadAnswers.ts [--clients 300] [--pipelined 10] [--idle-timeout-ms 20000] [--websocket] [--batch N]
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDevnet, devnetNodeArgv, devnetNodeEnv } from "../cli/devnet.ts";
import { homePaths } from "../node/config.ts";
import { StrataClient } from "../client/rpcClient.ts";
import { ONE } from "../state/denoms.ts";
import { testKey } from "../test/fixtures/memChain.ts";
import { runLoad } from "./load.ts";
import WebSocket from "ws";
import { stopNodes, waitForFirstBlock } from "./stopNodes.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "300" },
    pipelined: { type: "string", default: "10" },
    "idle-timeout-ms": { type: "string", default: "20000" },
    websocket: { type: "boolean", default: false },
    batch: { type: "string", default: "0" },
  },
});
const CLIENTS = Number(values.clients);
const PIPELINED = Number(values.pipelined);
const IDLE_MS = Number(values["idle-timeout-ms"]);

/** the process's resident MB, or 0 once it has exited */
const rssMb = (pid: number): number => {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-unread-"));
  const keys = Array.from({ length: 500 }, (_, i) => testKey(i));
  const { homes, rpc } = await createDevnet(dir, 1, {
    basePort: 17656,
    extraAccounts: keys.map((k) => ({ address: k.bech32, stra: 1000n * ONE })),
  });
  const cfgPath = homePaths(homes[0]!).config;
  const cfg = JSON.parse(readFileSync(cfgPath, "utf8"));
  // the node's own view of its memory (live heap, Buffers outside it), sampled with RSS
  cfg.metrics.enabled = true;
  cfg.rpc.maxRequestsPerSecond = 0;
  cfg.rpc.idleTimeoutMs = IDLE_MS;
  writeFileSync(cfgPath, JSON.stringify(cfg));
  const logPath = join(tmpdir(), "strata-bench-unread-node.log");
  const proc = spawn(process.execPath, devnetNodeArgv(homes[0]!, [], ["--log-level", "warn"]), {
    stdio: ["ignore", openSync(logPath, "w"), openSync(logPath, "a")],
    env: devnetNodeEnv(),
  });
  const client = new StrataClient(rpc[0]!);
  const height = async () => Number((await client.status()).sync_info.latest_block_height);
  const socks: Socket[] = [];
  try {
    await waitForFirstBlock(client);
    await runLoad({
      rpcUrls: rpc,
      wsUrl: rpc[0]!.replace("http", "ws"),
      chainId: "strata-devnet",
      keys,
      txsPerAccount: 40,
      rate: 0,
      maxSeconds: 10,
      batch: 100,
      concurrency: 8,
    });
    // the largest block so far: its answer is the largest a client can ask for by height
    const top = await height();
    let best = { height: 1, bytes: 0 };
    for (let h = 1; h <= top; h++) {
      const bytes = JSON.stringify(await client.block(h)).length;
      if (bytes > best.bytes) best = { height: h, bytes };
    }
    await sleep(2000);
    const before = rssMb(proc.pid!);
    const h0 = await height();
    // one request, or (--batch N) a batch of N requests for the same block
    const one = { jsonrpc: "2.0", id: 1, method: "block", params: { height: String(best.height) } };
    const BATCH = Number(values.batch);
    const body = JSON.stringify(BATCH > 0 ? Array.from({ length: BATCH }, (_, id) => ({ ...one, id })) : one);
    const request = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const port = Number(new URL(rpc[0]!).port);
    let closedByNode = 0;
    for (let i = 0; i < CLIENTS && values.websocket; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket`);
      ws.on("error", () => {});
      ws.on("close", () => closedByNode++);
      await new Promise((r) => ws.once("open", r).once("error", r));
      const raw = (ws as unknown as { _socket: Socket })._socket;
      if (!raw) continue;
      raw.pause(); // never read
      socks.push(raw);
      for (let k = 0; k < PIPELINED; k++) ws.send(body);
    }
    for (let i = 0; i < CLIENTS && !values.websocket; i++) {
      const s = connect(port, "127.0.0.1");
      s.on("error", () => {});
      s.on("close", () => closedByNode++);
      s.on("connect", () => {
        s.pause(); // never read: the answers pile up in the node
        s.write(request.repeat(PIPELINED));
      });
      socks.push(s);
      if (i % 50 === 49) await sleep(50);
    }
    const t0 = Date.now();
    let peak = before;
    const samples: { s: number; rssMb: number; closed: number }[] = [];
    const metricsUrl = `http://127.0.0.1:${cfg.metrics.port}/metrics`;
    const mem = async () => {
      try {
        const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) })).text();
        const v = (name: string) =>
          Math.round(Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN) / 2 ** 20);
        return { heapUsedMb: v("nodejs_heap_size_used_bytes"), externalMb: v("nodejs_external_memory_bytes") };
      } catch {
        return { heapUsedMb: NaN, externalMb: NaN };
      }
    };
    const livePeak = { heapUsedMb: 0, externalMb: 0 };
    while (Date.now() - t0 < IDLE_MS + 25_000) {
      await sleep(1000);
      const r = rssMb(proc.pid!);
      const m = await mem();
      peak = Math.max(peak, r);
      livePeak.heapUsedMb = Math.max(livePeak.heapUsedMb, m.heapUsedMb || 0);
      livePeak.externalMb = Math.max(livePeak.externalMb, m.externalMb || 0);
      samples.push({ s: Math.round((Date.now() - t0) / 1000), rssMb: r, ...m, closed: closedByNode });
    }
    // a paused socket does not notice that the node closed it: read now, and count the closes
    for (const s of socks) s.resume();
    await sleep(3000);
    const h1 = await height().catch(() => -1);
    console.log(
      JSON.stringify(
        {
          bench: "unreadAnswers",
          clients: CLIENTS,
          transport: values.websocket ? "websocket" : "http",
          pipelinedPerClient: PIPELINED,
          batch: Number(values.batch),
          answerBytes: best.bytes,
          askedBytes: best.bytes * CLIENTS * PIPELINED * Math.max(1, Number(values.batch)),
          idleTimeoutMs: IDLE_MS,
          rssMb: { before, peak, after: samples.at(-1)!.rssMb },
          /** the largest of the node's own per-second readings: V8 heap in use, Buffers outside it */
          livePeak,
          /** the connections the node had closed (found by reading them at the end) */
          closedByNode,
          nodeExit: proc.exitCode ?? proc.signalCode ?? "running",
          heights: { atStart: h0, atEnd: h1 },
          samples: samples.filter((_, i) => i % 5 === 4 || i < 5),
        },
        null,
        2,
      ),
    );
  } finally {
    for (const s of socks) s.destroy();
    await stopNodes([proc], dir, false);
  }
}
await main();
