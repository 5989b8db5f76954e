import type { Command } from "commander";
import { exitFatal, startNode } from "./runNode.ts";
import { FatalError } from "../node/fatal.ts";
import { createLogger, type LogFormat, type LogLevel } from "../node/logger.ts";
import { DEFAULT_HOME, fail } from "./output.ts";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run a node from its home directory")
    .option("--home <dir>", "home directory", DEFAULT_HOME)
    .option("--log-format <format>", "pretty|json", "pretty")
    .option("--log-level <level>", "debug|info|warn|error", "info")
    .addHelpText(
      "after",
      "\nPorts, peers, timeouts, mempool caps, metrics (off by default) and health live in <home>/config.json;\nsee docs/operating.md. SIGINT/SIGTERM finish the block in flight and close the database.",
    )
    .action(async (o: { home: string; logFormat: LogFormat; logLevel: LogLevel }) => {
      const log = createLogger({ name: "node", format: o.logFormat, level: o.logLevel });
      // a damaged database or sign_state: one line naming the file, and its own exit code
      const node = await startNode(o.home, log).catch((e: unknown) =>
        e instanceof FatalError ? exitFatal(log, e) : Promise.reject(e),
      );
      let signals = 0;
      const shutdown = (sig: string) => {
        if (++signals > 1) process.exit(130);
        log.info("shutting down", { signal: sig });
        node.stop().then(() => process.exit(0), fail);
      };
      process.on("SIGINT", () => shutdown("SIGINT"));
      process.on("SIGTERM", () => shutdown("SIGTERM"));
    });
}
