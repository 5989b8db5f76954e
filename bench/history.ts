// bench:history — disk growth per 10,000 blocks under load, for each pruning setting. Prints JSON.
//   node bench/history.ts [--blocks 300] [--txs 100] [--accounts 2000] [--settings default,nothing,everything,custom,retain]
// One node's real Chain on a real LevelDB (propose → commit, as consensus drives it; no network,
// so the run measures what each block writes and what pruning deletes, not gossip). Every block
// carries `txs` transfers between `accounts` funded accounts (each changes 2 balances, a nonce and
// the fee pool: the state grows little, its history a lot). The database is measured half-way and
// at the end, as written (LevelDB frees deleted entries only when it compacts) and after a full
// compaction; the growth of the second half (every window is full by then) is extrapolated to
// 10,000 blocks (`extrapolated: true` when shorter). With "default" (keepRecent 362,880) nothing
// is pruned within 10,000 blocks, so its figure equals "nothing".
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { Level } from "level";
import { resolvePruning, type PruningOptions } from "../node/pruning.ts";
import { ONE } from "../state/denoms.ts";
import { send, testGenesisJson, testKey } from "../test/fixtures/memChain.ts";
import { SoloChain } from "../test/helpers/soloChain.ts";

const { values } = parseArgs({
  options: {
    blocks: { type: "string", default: "300" },
    txs: { type: "string", default: "100" },
    accounts: { type: "string", default: "2000" },
    settings: { type: "string", default: "default,nothing,everything,custom,retain" },
  },
});
const BLOCKS = Number(values.blocks);
const TXS = Number(values.txs);
const ACCOUNTS = Number(values.accounts);

const SETTINGS: Record<string, PruningOptions> = {
  default: resolvePruning({ pruning: "default", keepRecent: 0, interval: 0, minRetainBlocks: 0 }),
  nothing: resolvePruning({ pruning: "nothing", keepRecent: 0, interval: 0, minRetainBlocks: 0 }),
  everything: resolvePruning({ pruning: "everything", keepRecent: 0, interval: 0, minRetainBlocks: 0 }),
  custom: resolvePruning({ pruning: "custom", keepRecent: 100, interval: 10, minRetainBlocks: 0 }),
  // state pruned to the SDK minimum and blocks kept for the last 100 heights only
  retain: resolvePruning({ pruning: "everything", keepRecent: 0, interval: 0, minRetainBlocks: 100 }),
};

const du = (dir: string): number => Number(execFileSync("du", ["-sb", dir]).toString().split(/\s/)[0]);

async function compactedSize(dir: string): Promise<number> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
  await db.open();
  // classic-level (what `level` is on Node) compacts a key range; the type of `Level` omits it
  await (db as unknown as { compactRange(a: Uint8Array, b: Uint8Array): Promise<void> }).compactRange(
    Uint8Array.of(0),
    new Uint8Array(64).fill(0xff),
  );
  await db.close();
  return du(dir);
}

async function run(name: string, opts: PruningOptions) {
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => testKey(i));
  // blocks are kept while evidence may name them (node/pruning.ts evidenceSafeEnd): for "retain"
  // the chain's evidence age is 100 blocks, so minRetainBlocks 100 is what bounds them
  const params =
    opts.minRetainBlocks > 0
      ? { evidence: { maxAgeNumBlocks: String(opts.minRetainBlocks), maxAgeDurationMs: "1" } }
      : undefined;
  const solo = await SoloChain.open(testGenesisJson(ACCOUNTS, 1_000_000n * ONE, params), {
    pruning: opts,
    indexTxEvents: true,
  });
  const nonces = new Array<bigint>(ACCOUNTS).fill(0n);
  let sender = 0;
  let execMs = 0;
  const blocks = async (n: number, from: number) => {
    for (let b = from; b < from + n; b++) {
      const txs: Uint8Array[] = [];
      for (let i = 0; i < TXS; i++) {
        const f = sender++ % ACCOUNTS;
        const to = (f * 7 + b + 1) % ACCOUNTS;
        txs.push(send(keys[f]!, keys[to === f ? (to + 1) % ACCOUNTS : to]!.address, 1n + BigInt(b), nonces[f]!));
        nonces[f]!++;
      }
      const t0 = performance.now();
      await solo.block(txs);
      execMs += performance.now() - t0;
    }
    await solo.chain.db.pruned();
  };
  /** the database as written, then after a full compaction (closes and reopens the chain) */
  const measure = async () => {
    await solo.chain.close();
    const raw = du(solo.dir);
    const compacted = await compactedSize(solo.dir);
    await solo.reopen();
    return { raw, compacted };
  };
  const half = Math.floor(BLOCKS / 2);
  await blocks(half, 0);
  const mid = await measure();
  await blocks(BLOCKS - half, half);
  const window = solo.chain.db.stateWindow();
  const earliestBlock = solo.chain.db.earliestBlock();
  const end = await measure();
  await solo.chain.close();
  rmSync(solo.dir, { recursive: true, force: true });
  // the second half's growth: past any window's filling (keepRecent, minRetainBlocks ≤ half), so
  // a bounded setting shows ~0 and an unbounded one its steady rate
  const per10kMB = (bytes: number) => +(((bytes / (BLOCKS - half)) * 10_000) / 1e6).toFixed(1);
  return {
    setting: name,
    pruning: opts,
    blocks: BLOCKS,
    txsPerBlock: TXS,
    stateWindow: window,
    earliestBlock,
    bytesAtHalf: mid,
    bytesAtEnd: end,
    growthPer10kBlocksMB: per10kMB(end.raw - mid.raw),
    growthPer10kBlocksCompactedMB: per10kMB(end.compacted - mid.compacted),
    extrapolated: BLOCKS - half < 10_000,
    blocksPerSecond: +(BLOCKS / (execMs / 1000)).toFixed(1),
  };
}

async function main() {
  const results = [];
  for (const name of String(values.settings).split(",")) {
    const o = SETTINGS[name];
    if (!o) throw new Error(`unknown setting ${name} (${Object.keys(SETTINGS).join(", ")})`);
    results.push(await run(name, o));
    process.stderr.write(`${name} done\n`);
  }
  console.log(JSON.stringify({ bench: "history", accounts: ACCOUNTS, results }, null, 2));
}

await main();
