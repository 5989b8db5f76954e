import type { Command } from "commander";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { addKey, listKeys } from "../client/keyring.ts";
import { initHome, writeGenesis } from "../node/homeSetup.ts";
import { DEFAULT_CONFIG, homePaths } from "../node/config.ts";
import { ensurePeerKey } from "../node/p2p.ts";
import { ONE } from "../state/denoms.ts";
import { DEFAULT_BLOCK_PARAMS, MIN_BLOCK_MAX_GAS } from "../state/params.ts";
import { addressFromPubkey, encodeAddress } from "../state/crypto/address.ts";

const STRATA = fileURLToPath(new URL("./strata.ts", import.meta.url));

/**
 * V8 flags of a devnet's node processes. On a machine with a large memory V8 sizes its young
 * generation at 128 MB per process (64 MB semi-spaces), and a node's garbage under load fills
 * it: four co-located nodes held 565-750 MB RSS each under the bench:devnet flood, 128 MB of it
 * nursery. 16 MB semi-spaces (a 32 MB young generation) brought that to 481-509 MB; one node's CPU
 * per tx (bench:pipeline) moved within its run-to-run spread (370-374 vs 338-377 µs).
 *
 * A heap limit of 1,536 MB: a node's live heap under the flood is ~100 MB, but with a limit of
 * 2 GB or more (V8's default here is 4 GB) V8 lets the old generation grow up to four times what
 * survived its last collection before collecting again; below 2 GB its largest growing factor
 * shrinks with the limit (V8's heap-controller source; the RSS below is what we measured). With
 * devnetNodeEnv's malloc settings: 334-361 MB RSS per node instead of 584-625 MB, for 15-20 % more CPU per tx in
 * collections (finalized tx/s 1,174-1,222 against 1,359-1,378 back to back; docs/performance.md).
 * For a lone `strata start`, set both with NODE_OPTIONS (docs/operating.md).
 */
export const DEVNET_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=16", "--max-old-space-size=1536"];

/**
 * The environment of a devnet's node processes: glibc's malloc with a fixed mmap threshold
 * (128 KiB), so the large buffers a node frees (blocks, tx batches) go back to the system
 * instead of staying in its heap (glibc raises the threshold to the size of each mmapped block
 * freed, after which blocks of MBs come from a heap that rarely shrinks), and two arenas. Under
 * the flood: 525-569 MB RSS per node instead of 584-658 MB with no measurable CPU cost. Other C
 * libraries ignore these names. The caller's own values of them win.
 */
export function devnetNodeEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    MALLOC_ARENA_MAX: "2",
    GLIBC_TUNABLES: "glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072",
    ...env,
  };
}

/** The argv after the node binary that starts one devnet validator (`extra`: more node flags, which win). */
export function devnetNodeArgv(
  home: string,
  extra: readonly string[] = [],
  strataArgs: readonly string[] = [],
): string[] {
  return [...DEVNET_NODE_FLAGS, ...extra, STRATA, "start", "--home", home, ...strataArgs];
}

/** The ports of devnet node `i`: ten apart per node from `base` (the devnet's own 26656). */
export function devnetPorts(i: number, base = 26656): { p2p: number; rpc: number; metrics: number } {
  return { p2p: base + 10 * i, rpc: base + 1 + 10 * i, metrics: base + 4 + 10 * i };
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = createServer();
    s.once("error", () => done(false));
    s.listen(port, "127.0.0.1", () => s.close(() => done(true)));
  });
}

/**
 * Stakes 40/30/20/10 % for 4 validators; in general N, N-1, …, 1 parts of 100,000 stra. With the
 * two funded accounts (100,000), the operators' fee money, the service reward pool (10,000) and the
 * pool's opening liquidity, about half of the devnet's supply is bonded (the genesis `chain_yields`
 * bondedRatio is ~0.47), so the measured staking APR (~13 % at 7 % inflation) looks like a real
 * chain's. (A 1,000,000-stra reward pool used to hold 90 % of the supply unbonded: APR ~68 %.)
 */
export function devnetPowers(n: number): number[] {
  const total = (n * (n + 1)) / 2;
  return Array.from({ length: n }, (_, i) => Math.round(((n - i) / total) * 100_000));
}

export type DevnetOptions = {
  withdrawalDelayMs?: number;
  slashing?: Record<string, string>;
  unbondingTimeMs?: number;
  timeoutCommitMs?: number;
  basePort?: number;
  extraAccounts?: { address: string; stra: bigint }[];
  chainId?: string;
  blockMaxTxs?: number;
  blockMaxGas?: bigint;
  evidence?: Record<string, string>;
};

/**
 * A devnet's block gas limit: DEFAULT_BLOCK_PARAMS.maxGas (sized for four validators sharing the
 * machine's cores) × 4 ÷ the validators, since every co-located validator executes every block on
 * the same cores. One validator gets 320 M (~10,000 transfers): under the bench's flood 3,461
 * finalized tx/s at finality p50 1.2 s / p99 2.4 s and an interval p99 of 1.6 s, against 1,953
 * tx/s at 1.5 / 2.4 s with 80 M, where the lone node idled at 56 % CPU waiting for the next block.
 */
export function devnetBlockMaxGas(validators: number): bigint {
  const gas = (DEFAULT_BLOCK_PARAMS.maxGas * 4n) / BigInt(Math.max(1, validators));
  return gas < MIN_BLOCK_MAX_GAS ? MIN_BLOCK_MAX_GAS : gas;
}

/** Creates N validator homes sharing one genesis, each bootstrapping to all the others. */
export async function createDevnet(
  dir: string,
  n: number,
  opts: DevnetOptions = {},
): Promise<{ homes: string[]; rpc: string[] }> {
  const base = opts.basePort;
  mkdirSync(dir, { recursive: true });
  const keys = join(dir, "keys");
  const alice = addKey(keys, "alice");
  const bob = addKey(keys, "bob");
  const powers = devnetPowers(n);
  const homes: string[] = [];
  const rpc: string[] = [];
  const validators = [];
  const peers: string[] = [];
  for (let i = 0; i < n; i++) {
    const home = join(dir, `node${i}`);
    const ports = devnetPorts(i, base);
    const { pubkey } = initHome(home, {
      moniker: `node${i}`,
      rpc: { ...DEFAULT_CONFIG.rpc, port: ports.rpc },
      p2p: { ...DEFAULT_CONFIG.p2p, port: ports.p2p },
      metrics: { ...DEFAULT_CONFIG.metrics, enabled: true, port: ports.metrics },
      consensus: { ...DEFAULT_CONFIG.consensus, timeoutCommitMs: opts.timeoutCommitMs ?? 1000 },
      // N nodes share this machine's cores: verify workers only where a core is spare per node
      // (measured on 2 cores, 4 nodes: inline verification gives the same tx/s, lower latency and RSS)
      verifyWorkers: Math.max(0, Math.floor(availableParallelism() / n) - 1),
    });
    const peerId = await ensurePeerKey(homePaths(home).nodeKey);
    peers.push(`/ip4/127.0.0.1/tcp/${ports.p2p}/p2p/${peerId}`);
    homes.push(home);
    rpc.push(`http://127.0.0.1:${ports.rpc}`);
    validators.push({ pubkey, power: String(powers[i]), moniker: `node${i}` });
  }
  homes.forEach((home, i) => {
    const p = homePaths(home).config;
    const cfg = JSON.parse(readFileSync(p, "utf8"));
    cfg.p2p.bootstrap = peers.filter((_, j) => j !== i);
    writeFileSync(p, JSON.stringify(cfg, null, 2) + "\n");
  });
  const fund = (50_000n * ONE).toString();
  const genesis = {
    chainId: opts.chainId ?? "strata-devnet",
    genesisTime: new Date().toISOString(),
    authority: alice.address,
    accounts: [
      ...[alice, bob].map((k) => ({ address: k.address, balances: { stra: fund } })),
      // each validator's operator account (its consensus key) gets fees for unjail and withdrawals
      ...validators.map((v) => ({
        address: encodeAddress(addressFromPubkey(new Uint8Array(Buffer.from(v.pubkey, "hex")))),
        balances: { stra: (1000n * ONE).toString() },
      })),
      ...(opts.extraAccounts ?? []).map((a) => ({ address: a.address, balances: { stra: a.stra.toString() } })),
    ],
    validators,
    // short periods so the whole life cycle can be watched in minutes
    params: {
      block: {
        ...(opts.blockMaxTxs ? { maxTxs: String(opts.blockMaxTxs) } : {}),
        maxGas: String(opts.blockMaxGas ?? devnetBlockMaxGas(n)),
      },
      ...(opts.evidence ? { evidence: opts.evidence } : {}),
      staking: { unbondingTimeMs: String(opts.unbondingTimeMs ?? 120_000), maxEntries: "32" },
      slashing: { downtimeJailMs: "60000", ...(opts.slashing ?? {}) },
      // one restaking service served by every genesis validator, and a ststra/stra pool with liquidity
      strategies: [
        {
          id: "avs-oracle",
          kind: "service",
          rewardRate: (ONE / 20n).toString(),
          slashFraction: (ONE / 10n).toString(),
          downtimeSlashFraction: (ONE / 100n).toString(),
          rewardPool: (10_000n * ONE).toString(),
          optInGenesisValidators: true,
        },
        { id: "pool-ststra", kind: "pool", liquidityStra: (10_000n * ONE).toString() },
      ],
      lrt: {
        weights: [{ strategy: "avs-oracle", weight: ONE.toString() }],
        withdrawalDelayMs: String(opts.withdrawalDelayMs ?? 60_000),
      },
    },
  };
  for (const h of homes) writeGenesis(h, genesis);
  return { homes, rpc };
}

export function registerDevnet(program: Command): void {
  program
    .command("devnet")
    .description("create and run a local devnet: N validators as separate processes on 127.0.0.1")
    .option("--validators <n>", "number of validators", "4")
    .option("--home <dir>", "devnet directory (re-created unless --keep)", ".devnet")
    .option("--keep", "keep an existing devnet directory and its chain")
    .option("--timeout-commit <ms>", "pause after each commit (block interval)", "1000")
    .action(async (o: { validators: string; home: string; keep?: boolean; timeoutCommit: string }) => {
      const n = Number(o.validators);
      if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error("--validators must be an integer from 1 to 16");
      const dir = resolve(o.home);
      // A devnet half started next to a running one is worse than none (the old nodes hold the
      // ports and gossip another chain), and re-creating the directory would pull a running
      // devnet's data from under it: check every port first.
      const busy: string[] = [];
      for (let i = 0; i < n; i++) {
        for (const [what, port] of Object.entries(devnetPorts(i))) {
          if (!(await portFree(port))) busy.push(`${port} (node${i} ${what})`);
        }
      }
      if (busy.length)
        throw new Error(
          `ports in use: ${busy.join(", ")}. Is another devnet or strata node running? Stop it first (Ctrl-C its \`npm start\`, or \`pkill -f "strata.ts start"\`)`,
        );
      let homes: string[];
      let rpc: string[];
      if (o.keep && existsSync(join(dir, "node0"))) {
        homes = Array.from({ length: n }, (_, i) => join(dir, `node${i}`)).filter((h) => existsSync(h));
        rpc = homes.map((_, i) => `http://127.0.0.1:${devnetPorts(i).rpc}`);
      } else {
        rmSync(dir, { recursive: true, force: true });
        ({ homes, rpc } = await createDevnet(dir, n, { timeoutCommitMs: Number(o.timeoutCommit) }));
      }
      const powers = devnetPowers(homes.length);
      console.log(`devnet "${dir}": ${homes.length} validator(s), chain strata-devnet`);
      homes.forEach((h, i) => {
        const metrics = JSON.parse(readFileSync(homePaths(h).config, "utf8")).metrics;
        console.log(
          `  node${i}: RPC ${rpc[i]}  power ${powers[i]}  metrics ${metrics?.enabled ? `http://127.0.0.1:${metrics.port}/metrics` : "off"}  home ${h}`,
        );
      });
      console.log(`  dashboard: ${rpc[0]}/  (every node serves it on its RPC port)`);
      console.log(
        `  keys:  ${listKeys(join(dir, "keys"))
          .map((k) => `${k.name} ${k.address}`)
          .join(", ")}`,
      );
      console.log(`  try:   npx strata tx bank send bob 1stra --from alice --home ${o.home}`);
      console.log(
        `  stop one validator with kill; restart it alone with: npx strata start --home ${o.home}/node${homes.length - 1}`,
      );
      console.log("Ctrl-C stops all nodes.\n");

      let stopping = false;
      let lastPrinted = 0;
      const children: ChildProcess[] = homes.map((home, i) => {
        const child = spawn(process.execPath, devnetNodeArgv(home), {
          stdio: ["ignore", "pipe", "pipe"],
          env: devnetNodeEnv(),
        });
        for (const s of [child.stdout!, child.stderr!]) {
          createInterface({ input: s }).on("line", (l) => {
            // one line per committed block, from whichever node reports that height first
            const m = / BLOCK .*height=(\d+)/.exec(l);
            if (m) {
              if (Number(m[1]) <= lastPrinted) return;
              lastPrinted = Number(m[1]);
            }
            console.log(`node${i} | ${l}`);
          });
        }
        child.on("exit", (code, sig) => {
          if (!stopping) console.log(`node${i} exited (${sig ?? code}); the others keep running`);
        });
        return child;
      });
      const stopAll = (code: number) => {
        stopping = true;
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
        Promise.all(
          children.map((c) =>
            c.exitCode === null && c.signalCode === null ? new Promise((r) => c.on("exit", r)) : undefined,
          ),
        ).then(() => process.exit(code));
      };
      process.on("SIGINT", () => stopAll(0));
      process.on("SIGTERM", () => stopAll(0));
    });
}
