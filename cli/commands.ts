// The top-level commands of `strata`, each with the module that registers it. `strata` imports a
// command's module only when that command runs (cli/strata.ts): `start` needs libp2p, fastify
// and LevelDB, `tx` the state machine's codecs, `--help` none of them, and importing everything
// for every call cost ~1 s of CPU before `strata --help` printed a line.
import type { Command } from "commander";

export type CommandModule = {
  /** command name → the summary `strata --help` lists (the module's own description) */
  commands: Readonly<Record<string, string>>;
  /** alias → command */
  aliases?: Readonly<Record<string, string>>;
  load(): Promise<(program: Command) => void>;
};

export const COMMAND_MODULES: readonly CommandModule[] = [
  { commands: { keys: "manage keys in <home>/keys" }, load: async () => (await import("./keys.ts")).registerKeys },
  {
    commands: {
      init: "create a node home: config.json, validator key, and a genesis (a new single-validator chain, or --genesis to join a network)",
    },
    load: async () => (await import("./init.ts")).registerInit,
  },
  {
    commands: { start: "run a node from its home directory" },
    load: async () => (await import("./start.ts")).registerStart,
  },
  { commands: { tx: "sign and submit a transaction" }, load: async () => (await import("./tx.ts")).registerTx },
  {
    commands: { query: "read chain state over RPC", status: "node and chain status" },
    aliases: { q: "query" },
    load: async () => (await import("./query.ts")).registerQuery,
  },
  {
    commands: { validator: "operate your validator: status, unjail" },
    load: async () => (await import("./validator.ts")).registerValidator,
  },
  {
    commands: { devnet: "create and run a local devnet: N validators as separate processes on 127.0.0.1" },
    load: async () => (await import("./devnet.ts")).registerDevnet,
  },
  {
    commands: {
      export: "write the state at the latest committed height as a genesis.json for a new chain (stop the node first)",
    },
    load: async () => (await import("./export.ts")).registerExport,
  },
];

/** The module of the command `argv` (after the program name) runs, if any: `help <cmd>` counts. */
export function moduleFor(argv: readonly string[]): CommandModule | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  if (!name) return undefined;
  return COMMAND_MODULES.find((m) => name in m.commands || (m.aliases && name in m.aliases));
}

/**
 * Registers the commands: the one that runs from its module, every other as a name and summary
 * only (enough for `strata --help` and for commander to say "unknown command").
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const running = moduleFor(argv);
  for (const m of COMMAND_MODULES) {
    if (m === running) {
      (await m.load())(program);
      continue;
    }
    for (const [name, summary] of Object.entries(m.commands)) {
      const c = program.command(name).description(summary);
      for (const [alias, of] of Object.entries(m.aliases ?? {})) if (of === name) c.alias(alias);
    }
  }
}
