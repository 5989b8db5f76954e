// `npx strata` as a new user runs it from the repository root in a fresh shell: npm (on whatever
// Node the machine has, here the system's 20) finds the package's bin, cli/launcher.js, which runs
// the TypeScript CLI on Node 24. Checked on the real binary: nothing on stderr (no EBADENGINE
// block, no npm warning), the usage on stdout, and the launcher's fallback to the bundled Node
// when the node on PATH cannot strip types (exit codes passed through).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
// a user's shell: no node_modules/.bin on PATH and no npm_* variables (vitest may run under npm)
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
env.PATH = (process.env.PATH ?? "")
  .split(":")
  .filter((p) => !p.includes("node_modules"))
  .join(":");
const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, error: r.error };
};

describe("npx strata (real binary, the machine's own npm and node)", () => {
  it("prints the usage and nothing on stderr", () => {
    const help = run("npx", ["strata", "--help"]);
    expect(help.error).toBeUndefined();
    expect(help.code, help.err).toBe(0);
    expect(help.err).toBe("");
    expect(help.out).toMatch(/^Usage: strata \[options\] \[command\]/);
    expect(help.out).toMatch(/export\s+write the state at the latest committed height/);
    const version = run("npx", ["strata", "--version"]);
    expect(version.err).toBe("");
    expect(version.out).toBe("0.1.0\n");
  }, 120_000);

  it("the launcher runs the CLI on the bundled Node when the node on PATH cannot strip types, passing the exit code through", () => {
    const systemNode = run("node", ["-p", "process.version + ' ' + process.features.typescript"]);
    expect(systemNode.code).toBe(0);
    const version = run("node", ["cli/launcher.js", "--version"]);
    expect(version.err).toBe("");
    expect(version.out).toBe("0.1.0\n");
    const unknown = run("node", ["cli/launcher.js", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error: unknown command 'nope'/);
    // where the system node is older (here: 20), the CLI itself does not run on it: the launcher's
    // fallback to the bundled Node is what answered above
    if (!/ (strip|transform)$/.test(systemNode.out.trim()))
      expect(run("node", ["cli/strata.ts", "--version"]).err).toMatch(/ERR_UNKNOWN_FILE_EXTENSION/);
  }, 60_000);
});
