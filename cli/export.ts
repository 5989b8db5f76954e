// `strata export`: the state of a stopped node's home at its latest committed height as a genesis
// file a new chain starts from (Cosmos' `export`). A home whose node never committed a block
// exports the state its genesis.json builds (height 0), so an exported file can be checked to
// export to itself before a new chain starts from it. Past heights need the node to keep past
// state, which it does not yet: there is no --height.
import type { Command } from "commander";
import { existsSync, writeFileSync } from "node:fs";
import { exportGenesis } from "../state/genesisExport.ts";
import { initChain, parseGenesis } from "../state/genesis.ts";
import { MemoryStore, Overlay } from "../state/store/overlay.ts";
import { ChainDb } from "../node/chainDb.ts";
import { homePaths } from "../node/config.ts";
import { loadGenesisFile } from "./runNode.ts";
import { DEFAULT_HOME } from "./output.ts";

/** The committed state of `home` (LevelDB, read while the node is stopped) and its height. */
async function homeState(home: string): Promise<{ store: MemoryStore; height: number }> {
  const paths = homePaths(home);
  if (existsSync(paths.data)) {
    const db = await ChainDb.open(paths.data);
    try {
      const meta = db.meta();
      if (meta) return { store: await db.stateSnapshot(), height: meta.height };
    } finally {
      await db.close();
    }
  }
  const store = new MemoryStore();
  const o = new Overlay(store);
  initChain(o, loadGenesisFile(paths.genesis).genesis);
  store.apply(o.changes());
  return { store, height: 0 };
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description(
      "write the state at the latest committed height as a genesis.json for a new chain (stop the node first)",
    )
    .option("--home <dir>", "home directory of a stopped node", DEFAULT_HOME)
    .option("--chain-id <id>", "chain id of the new chain (default: the same)")
    .option("--out <file>", "write to this file instead of stdout")
    .action(async (o: { home: string; chainId?: string; out?: string }) => {
      const { store, height } = await homeState(o.home);
      const json = `${JSON.stringify(exportGenesis(store, { height, chainId: o.chainId }), null, 2)}\n`;
      // never hand out a file a node would refuse (a bad --chain-id, staking records that disagree
      // with the validators): build the new chain's state from it once, here
      initChain(new Overlay(new MemoryStore()), parseGenesis(JSON.parse(json)));
      if (o.out) {
        writeFileSync(o.out, json);
        console.error(`exported height ${height} of ${o.home} to ${o.out}`);
      } else process.stdout.write(json);
    });
}
