import type { Command } from "commander";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync, existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { addKey, listKeys } from "../client/keyring.ts";
import { initHome, writeGenesis } from "../node/homeSetup.ts";
import { DEFAULT_CONFIG } from "../node/config.ts";
import { addressFromPubkey, encodeAddress } from "../state/crypto/address.ts";
import { ONE } from "../state/denoms.ts";

const STRATA = fileURLToPath(new URL("./strata.ts", import.meta.url));

/** Stakes 40/30/20/10 % for 4 validators; in general N, N-1, …, 1 parts. */
export function devnetPowers(n: number): number[] {
  const total = (n * (n + 1)) / 2;
  return Array.from({ length: n }, (_, i) => Math.round(((n - i) / total) * 1000));
}

export function createDevnet(dir: string, n: number, opts: { timeoutCommitMs?: number; basePort?: number } = {}): { homes: string[]; rpc: string[] } {
  const base = opts.basePort ?? 26656;
  mkdirSync(dir, { recursive: true });
  const keys = join(dir, "keys");
  const alice = addKey(keys, "alice");
  const bob = addKey(keys, "bob");
  const powers = devnetPowers(n);
  const homes: string[] = [];
  const rpc: string[] = [];
  const validators = [];
  for (let i = 0; i < n; i++) {
    const home = join(dir, `node${i}`);
    const { pubkey } = initHome(home, {
      moniker: `node${i}`,
      rpc: { ...DEFAULT_CONFIG.rpc, port: base + 1 + 10 * i },
      p2p: { ...DEFAULT_CONFIG.p2p, port: base + 10 * i },
      metrics: { enabled: true, port: base + 4 + 10 * i },
      consensus: { timeoutCommitMs: opts.timeoutCommitMs ?? 1000 },
    });
    homes.push(home);
    rpc.push(`http://127.0.0.1:${base + 1 + 10 * i}`);
    validators.push({ pubkey, power: String(powers[i]), moniker: `node${i}` });
  }
  const fund = (10_000_000n * ONE).toString();
  const genesis = {
    chainId: "strata-devnet",
    genesisTime: new Date().toISOString(),
    authority: alice.address,
    accounts: [alice, bob].map((k) => ({ address: k.address, balances: { stra: fund } })),
    validators,
  };
  for (const h of homes) writeGenesis(h, genesis);
  return { homes, rpc };
}

export function registerDevnet(program: Command): void {
  program
    .command("devnet")
    .description("create and run a local devnet: N validators as separate processes on 127.0.0.1")
    .option("--validators <n>", "number of validators", "1")
    .option("--home <dir>", "devnet directory (re-created unless --keep)", ".devnet")
    .option("--keep", "keep an existing devnet directory and its chain")
    .option("--timeout-commit <ms>", "block interval", "1000")
    .action(async (o: { validators: string; home: string; keep?: boolean; timeoutCommit: string }) => {
      const n = Number(o.validators);
      if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error("--validators must be an integer from 1 to 16");
      if (n > 1) throw new Error("this build runs single-validator devnets only: multi-validator BFT consensus is not implemented yet (use --validators 1)");
      const dir = resolve(o.home);
      let homes: string[];
      let rpc: string[];
      if (o.keep && existsSync(join(dir, "node0"))) {
        homes = Array.from({ length: n }, (_, i) => join(dir, `node${i}`));
        rpc = homes.map((_, i) => `http://127.0.0.1:${26657 + 10 * i}`);
      } else {
        rmSync(dir, { recursive: true, force: true });
        ({ homes, rpc } = createDevnet(dir, n, { timeoutCommitMs: Number(o.timeoutCommit) }));
      }
      console.log(`devnet "${dir}" with ${n} validator(s)`);
      homes.forEach((h, i) => console.log(`  node${i}: RPC ${rpc[i]}  home ${h}`));
      console.log(`  keys:  ${listKeys(join(dir, "keys")).map((k) => `${k.name} ${k.address}`).join(", ")}`);
      console.log(`  try:   npx strata tx bank send bob 1stra --from alice --home ${o.home}`);
      console.log("Ctrl-C stops all nodes.\n");

      const children: ChildProcess[] = homes.map((home, i) => {
        const child = spawn(process.execPath, [STRATA, "start", "--home", home], { stdio: ["ignore", "pipe", "pipe"] });
        for (const s of [child.stdout!, child.stderr!]) createInterface({ input: s }).on("line", (l) => console.log(`node${i} | ${l}`));
        child.on("exit", (code, sig) => {
          console.log(`node${i} exited (${sig ?? code})`);
          if (!stopping) stopAll(1);
        });
        return child;
      });
      let stopping = false;
      const stopAll = (code: number) => {
        stopping = true;
        for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
        Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on("exit", r)) : undefined))).then(() => process.exit(code));
      };
      process.on("SIGINT", () => stopAll(0));
      process.on("SIGTERM", () => stopAll(0));
    });
}
