// A devnet's node processes run with a bounded V8 young generation and heap limit (cli/devnet.ts
// DEVNET_NODE_FLAGS): the flags reach the process, before the script, and really bound the
// nursery under allocation churn (V8 sizes it at up to 128 MB on a machine with much memory) and
// the heap (4 GB by default on this machine); and with glibc malloc settings in their
// environment that a caller's own values override (devnetNodeEnv).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEVNET_NODE_FLAGS, devnetNodeArgv, devnetNodeEnv } from "#cli/devnet.ts";

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
    expect(argv).toContain("--max-old-space-size=1536");
    const script = argv.findIndex((a) => a.endsWith("strata.ts"));
    expect(argv.indexOf("--cpu-prof")).toBeLessThan(script);
    expect(argv.slice(script + 1)).toEqual(["start", "--home", "/h", "--log-level", "warn"]);
  });

  it("keep the young generation at 32 MB or less under allocation churn", () => {
    const r = spawnSync(process.execPath, [...DEVNET_NODE_FLAGS, "-e", CHURN], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(Number(r.stdout.trim())).toBeLessThanOrEqual(32 * 1024 * 1024);
  });

  it("bound the heap at 1,536 MB of old generation (V8's own limit is 4 GB on a machine with much memory)", () => {
    const limit = `console.log(require("node:v8").getHeapStatistics().heap_size_limit)`;
    const capped = spawnSync(process.execPath, [...DEVNET_NODE_FLAGS, "-e", limit], { encoding: "utf8" });
    expect(capped.status, capped.stderr).toBe(0);
    // the limit is the old generation's plus the young generation's (3 × 16 MB semi-spaces)
    expect(Number(capped.stdout)).toBeGreaterThanOrEqual(1536 * 1024 * 1024);
    expect(Number(capped.stdout)).toBeLessThanOrEqual((1536 + 64) * 1024 * 1024);
  });

  it("run with glibc's malloc at a fixed mmap threshold; the caller's own settings win", () => {
    const show = `console.log(process.env.GLIBC_TUNABLES + " " + process.env.MALLOC_ARENA_MAX)`;
    const env = { ...process.env };
    delete env.GLIBC_TUNABLES;
    delete env.MALLOC_ARENA_MAX;
    const r = spawnSync(process.execPath, ["-e", show], { encoding: "utf8", env: devnetNodeEnv(env) });
    expect(r.stdout.trim()).toBe("glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072 2");
    expect(devnetNodeEnv({ ...env, MALLOC_ARENA_MAX: "8" }).MALLOC_ARENA_MAX).toBe("8");
    expect(devnetNodeEnv(env).PATH).toBe(env.PATH);
  });
});
