// The lazily loaded command table (cli/commands.ts) must say what the modules register: the same
// top-level names, summaries and aliases, so `strata --help` (which loads none of them) lists
// exactly the commands the modules define.
import { describe, expect, it } from "vitest";
import { Command } from "commander";
import { COMMAND_MODULES, moduleFor, registerCommands } from "#cli/commands.ts";

const shape = (p: Command) =>
  p.commands.map((c) => ({ name: c.name(), summary: c.description(), aliases: c.aliases() }));

describe("strata's command table", () => {
  it("names each module's top-level commands with the module's own descriptions and aliases", async () => {
    for (const m of COMMAND_MODULES) {
      const p = new Command();
      (await m.load())(p);
      expect(shape(p)).toEqual(
        Object.entries(m.commands).map(([name, summary]) => ({
          name,
          summary,
          aliases: Object.entries(m.aliases ?? {})
            .filter(([, of]) => of === name)
            .map(([a]) => a),
        })),
      );
    }
  });

  it("loads only the module of the command that runs (help <command> included), and lists the same commands either way", async () => {
    expect(moduleFor(["--help"])).toBeUndefined();
    expect(moduleFor(["q", "params"])).toBe(COMMAND_MODULES.find((m) => "query" in m.commands));
    expect(moduleFor(["status", "--node", "x"])).toBe(moduleFor(["query"]));
    expect(moduleFor(["help", "export"])).toBe(COMMAND_MODULES.find((m) => "export" in m.commands));
    expect(moduleFor(["nope"])).toBeUndefined();
    const lazy = new Command();
    await registerCommands(lazy, ["--help"]);
    const full = new Command();
    for (const m of COMMAND_MODULES) (await m.load())(full);
    expect(shape(lazy)).toEqual(shape(full));
    const one = new Command();
    await registerCommands(one, ["tx", "bank", "send"]);
    expect(shape(one)).toEqual(shape(full));
    expect(one.commands.find((c) => c.name() === "tx")!.commands.length).toBeGreaterThan(0);
  });
});
