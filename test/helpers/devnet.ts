// A real multi-process devnet for integration tests: N validator processes on loopback, each
// with its own LevelDB, started with the `strata` CLI; fast timeouts so tests run in seconds.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDevnet, devnetPorts, portFree, type DevnetOptions } from "#cli/devnet.ts";
import { homePaths } from "#node/config.ts";
import { StrataClient } from "#client/rpcClient.ts";
import { freePort, startProc, waitFor, type NodeProc } from "./proc.ts";

export type TestNet = {
  dir: string;
  homes: string[];
  clients: StrataClient[];
  procs: (NodeProc | undefined)[];
  /** `openFiles`: the node runs under that open-files limit (ulimit -n) */
  start(i: number, env?: Record<string, string>, openFiles?: number): NodeProc;
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  stopAll(): Promise<void>;
  heights(): Promise<(number | undefined)[]>;
};

// Test files run in parallel processes. A net holds its port base for its whole life through a
// lock file, so another net never takes the ports of a node this one killed and will restart
// (they are free meanwhile, and the restart would fail to bind).
const LOCKS = join(tmpdir(), "strata-test-port-bases");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function claimBase(base: number): boolean {
  mkdirSync(LOCKS, { recursive: true });
  const f = join(LOCKS, String(base));
  try {
    writeFileSync(f, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    // held: by a live test process, or left by one that died (then take it over)
    // (empty: its owner is between creating and writing it)
    let owner: number;
    try {
      owner = Number(readFileSync(f, "utf8"));
    } catch {
      return false; // released just now: try another base
    }
    if (!owner || alive(owner)) return false;
    rmSync(f, { force: true });
    try {
      writeFileSync(f, String(process.pid), { flag: "wx" });
      return true;
    } catch {
      return false;
    }
  }
}

function releaseBase(base: number): void {
  rmSync(join(LOCKS, String(base)), { force: true });
}

/** Claims a base in 20000–32500 whose devnet ports (devnetPorts) are all free now. */
async function portBase(n: number): Promise<number> {
  for (;;) {
    const p = await freePort();
    // below the kernel's ephemeral range (32768+): an outgoing connection elsewhere on the
    // machine can never take one of these ports between our check and the node's bind
    const base = 20000 + 50 * (p % 250);
    if (!claimBase(base)) continue;
    const ports = Array.from({ length: n }, (_, i) => Object.values(devnetPorts(i, base))).flat();
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
    releaseBase(base);
  }
}

/** Reads a node's config.json, lets `f` change it, writes it back. */
function editConfig(home: string, f: (config: Record<string, any>) => void): void {
  const p = homePaths(home).config;
  const cfg = JSON.parse(readFileSync(p, "utf8"));
  f(cfg);
  writeFileSync(p, JSON.stringify(cfg, null, 2));
}

export function fastConsensus(home: string, extra: Record<string, unknown> = {}): void {
  editConfig(home, (cfg) => {
    cfg.consensus = {
      ...cfg.consensus,
      timeoutCommitMs: 150,
      timeoutProposeMs: 1000,
      timeoutPrevoteMs: 400,
      timeoutPrecommitMs: 400,
      timeoutDeltaMs: 200,
      ...extra,
    };
  });
}

/** The libp2p multiaddr other nodes dial to reach the node of `home`. */
export function peerAddress(home: string): string {
  const cfg = JSON.parse(readFileSync(homePaths(home).config, "utf8"));
  return `/ip4/127.0.0.1/tcp/${cfg.p2p.port}/p2p/${JSON.parse(readFileSync(homePaths(home).nodeKey, "utf8")).peerId}`;
}

/** `configure` may change node i's config.json before it first starts. */
export async function startTestNet(
  n: number,
  opts: DevnetOptions = {},
  configure?: (config: Record<string, any>, i: number) => void,
): Promise<TestNet> {
  const dir = mkdtempSync(join(tmpdir(), "strata-net-"));
  const base = await portBase(n);
  const { homes, rpc } = await createDevnet(dir, n, { ...opts, basePort: base });
  homes.forEach((h, i) => {
    fastConsensus(h);
    if (configure) editConfig(h, (cfg) => configure(cfg, i));
  });
  const procs: (NodeProc | undefined)[] = homes.map(() => undefined);
  const net: TestNet = {
    dir,
    homes,
    clients: rpc.map((u) => new StrataClient(u)),
    procs,
    start(i, env, openFiles) {
      procs[i] = startProc(["start", "--home", homes[i]], env, openFiles);
      return procs[i]!;
    },
    async kill(i, signal = "SIGKILL") {
      const p = procs[i];
      if (!p) return;
      p.proc.kill(signal);
      await p.exited;
      procs[i] = undefined;
    },
    async stopAll() {
      await Promise.all(procs.map((_, i) => net.kill(i, "SIGKILL")));
      rmSync(dir, { recursive: true, force: true });
      releaseBase(base);
    },
    async heights() {
      return Promise.all(
        net.clients.map(async (c, i) => {
          if (!procs[i]) return undefined;
          try {
            return Number((await c.status()).sync_info.latest_block_height);
          } catch {
            return undefined;
          }
        }),
      );
    },
  };
  homes.forEach((_, i) => net.start(i));
  try {
    await waitFor(
      "all RPC endpoints",
      async () => ((await net.heights()).every((h) => h !== undefined) ? true : undefined),
      40_000,
    );
  } catch (e) {
    // say why: which node never answered, whether it exited, and what it printed
    const hs = await net.heights();
    console.log(
      procs
        .map(
          (p, i) =>
            `--- node${i} height=${hs[i]} exit=${p?.proc.exitCode ?? p?.proc.signalCode ?? "running"}\n${p?.output.join("").slice(-3000) ?? ""}`,
        )
        .join("\n"),
    );
    await net.stopAll();
    throw e;
  }
  return net;
}

export async function waitAllAtLeast(net: TestNet, h: number, which: number[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `nodes ${which.join(",")} at height ${h}`,
    async () => {
      const hs = await net.heights();
      return which.every((i) => (hs[i] ?? 0) >= h) ? true : undefined;
    },
    timeoutMs,
  );
}
