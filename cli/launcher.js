#!/usr/bin/env node
// `strata` as npm links it (package.json `bin`). The CLI is TypeScript, which Node runs directly
// only from 22.18 (type stripping). An older `node` first on PATH (the system Node 20 under a
// global install or `npm link`, or `./cli/launcher.js` from a plain shell) would stop at the first
// .ts import with ERR_UNKNOWN_FILE_EXTENSION; then this runs the CLI on the Node 24 that
// `npm install` put in node_modules/node, passing arguments, stdio, signals and the exit status
// through. Under `npx strata` node_modules/.bin comes first on PATH, so the CLI is imported in
// this same process: no second start-up. Plain JavaScript, so that any Node can read it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("./strata.ts", import.meta.url));
if (process.features.typescript) {
  await import("./strata.ts");
} else {
  const bundled = fileURLToPath(new URL("../node_modules/node/bin/node", import.meta.url));
  if (!existsSync(bundled)) {
    process.stderr.write(
      `error: strata runs on Node 24 (this is Node ${process.version}), which \`npm install\` puts in node_modules/node: run npm install in ${fileURLToPath(new URL("..", import.meta.url))}\n`,
    );
    process.exit(1);
  }
  const child = spawn(bundled, [cli, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
