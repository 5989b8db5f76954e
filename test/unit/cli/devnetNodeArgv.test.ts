// A devnet's node processes run with a bounded V8 young generation (cli/devnet.ts
// DEVNET_NODE_FLAGS): the flag reaches the process, before the script, and really bounds the
// nursery under allocation churn (V8 sizes it at up to 128 MB on a machine with much memory).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEVNET_NODE_FLAGS, devnetNodeArgv } from "#cli/devnet.ts";

// allocates short-lived garbage like a node under load, then prints the young generation's size
const CHURN = `
const v8 = require("node:v8");
let keep = [];
for (let i = 0; i < 3e6; i++) { keep.push({ i, s: "x" + i }); if (keep.length > 2e5) keep = []; }
const n = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
console.log(n.space_size);
`;

describe("devnet node flags", () => {
  it("start each validator with the memory flags before the script; the caller's flags come after and win", () => {
    const argv = devnetNodeArgv("/h", ["--cpu-prof"], ["--log-level", "warn"]);
    expect(argv.slice(0, DEVNET_NODE_FLAGS.length)).toEqual([...DEVNET_NODE_FLAGS]);
    expect(argv).toContain("--max-semi-space-size=16");
    const script = argv.findIndex((a) => a.endsWith("strata.ts"));
    expect(argv.indexOf("--cpu-prof")).toBeLessThan(script);
    expect(argv.slice(script + 1)).toEqual(["start", "--home", "/h", "--log-level", "warn"]);
  });

  it("keep the young generation at 32 MB or less under allocation churn", () => {
    const r = spawnSync(process.execPath, [...DEVNET_NODE_FLAGS, "-e", CHURN], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(Number(r.stdout.trim())).toBeLessThanOrEqual(32 * 1024 * 1024);
  });
});
