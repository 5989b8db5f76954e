#!/usr/bin/env node
// The `strata` command. Each subcommand lives in its own file; this one only wires them.
import { Command } from "commander";
import { registerKeys } from "./keys.ts";
import { registerInit } from "./init.ts";
import { registerStart } from "./start.ts";
import { registerTx } from "./tx.ts";
import { registerQuery } from "./query.ts";
import { registerDevnet } from "./devnet.ts";
import { registerValidator } from "./validator.ts";
import { registerExport } from "./export.ts";
import { fail } from "./output.ts";

const program = new Command();
program
  .name("strata")
  .description("Strata: a proof-of-stake appchain node with native staking, liquid staking and liquid restaking")
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)");

registerKeys(program);
registerInit(program);
registerStart(program);
registerTx(program);
registerQuery(program);
registerValidator(program);
registerDevnet(program);
registerExport(program);

// "-5stra" would otherwise reach commander as an unknown option: say what is wrong with it
const negative = process.argv.slice(2).find((a) => /^-\d/.test(a));
if (negative) fail(new Error(`"${negative}" is a negative amount: amounts must be greater than 0`));

program.parseAsync(process.argv).catch(fail);
