// The process guard in a real child process: errors escaping input handling (a rejected promise,
// a throw in a timer the handler scheduled) are logged and the process lives on; an error from
// anywhere else still ends the process with exit code 1.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const GUARD = fileURLToPath(new URL("../../../node/processGuard.ts", import.meta.url));

function run(body: string): { code: number | null; out: string } {
  const script = `
    import { installProcessGuard, runAsInput, survivedFaults } from ${JSON.stringify(GUARD)};
    const log = { warn: (m, f) => console.log("WARN", m, f.origin), error: (m) => console.log("ERROR", m) };
    installProcessGuard(log);
    ${body}
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("process guard", () => {
  it("survives errors escaping rpc, gossip and sync handling", () => {
    const r = run(`
      runAsInput("rpc", () => { (async () => { await null; throw new Error("rejected in rpc"); })(); });
      runAsInput("gossip", () => { setTimeout(() => { throw new Error("thrown in gossip timer"); }, 5); });
      runAsInput("sync", () => { Promise.reject({ toString: 1 }); });
      setTimeout(() => { console.log("ALIVE", JSON.stringify(survivedFaults)); }, 100);
    `);
    expect(r.out).toContain('ALIVE {"rpc":1,"gossip":1,"sync":1}');
    expect(r.code).toBe(0);
  });

  it("stops the process loudly on an error from outside input handling (consensus, storage)", () => {
    const r = run(`
      setTimeout(() => { (async () => { throw new Error("storage fault"); })(); }, 5);
      setTimeout(() => console.log("STILL RUNNING"), 200);
    `);
    expect(r.out).toContain("ERROR fatal");
    expect(r.out).not.toContain("STILL RUNNING");
    expect(r.code).toBe(1);
  });
});
