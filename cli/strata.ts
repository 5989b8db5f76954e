#!/usr/bin/env node
// The `strata` command. Each subcommand lives in its own file, imported only when it runs
// (cli/commands.ts); this one only wires them.
import { Command } from "commander";
import { registerCommands } from "./commands.ts";
import { fail } from "./output.ts";

const program = new Command();
program
  .name("strata")
  .description("Strata: a proof-of-stake appchain node with native staking, liquid staking and liquid restaking")
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)");

// "-5stra" would otherwise reach commander as an unknown option: say what is wrong with it
const negative = process.argv.slice(2).find((a) => /^-\d/.test(a));
if (negative) fail(new Error(`"${negative}" is a negative amount: amounts must be greater than 0`));

registerCommands(program, process.argv.slice(2))
  .then(() => program.parseAsync(process.argv))
  .catch(fail);
