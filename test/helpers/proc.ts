// Real processes for integration tests: run the `strata` CLI, wait for RPC, kill -9.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { StrataClient } from "#client/rpcClient.ts";

export const STRATA = fileURLToPath(new URL("../../cli/strata.ts", import.meta.url));

export function strata(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [STRATA, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export type NodeProc = { proc: ChildProcess; output: string[]; exited: Promise<number | null> };

/** `env`: extra environment for the node (test hooks such as STRATA_TEST_CRASH_AFTER_PREVOTE). */
/** `openFiles`: run it under that open-files limit (ulimit -n), as a machine with a low one would. */
export function startProc(args: string[], env?: Record<string, string>, openFiles?: number): NodeProc {
  const argv = [STRATA, ...args];
  const [cmd, cmdArgs] =
    openFiles === undefined
      ? [process.execPath, argv]
      : ["bash", ["-c", `ulimit -n ${openFiles} && exec "$0" "$@"`, process.execPath, ...argv]];
  const proc = spawn(cmd, cmdArgs, {
    stdio: ["ignore", "pipe", "pipe"],
    env: env ? { ...process.env, ...env } : process.env,
  });
  const output: string[] = [];
  proc.stdout!.on("data", (d) => output.push(String(d)));
  proc.stderr!.on("data", (d) => output.push(String(d)));
  const exited = new Promise<number | null>((r) =>
    proc.on("exit", (code, signal) => {
      if (signal) output.push(`[killed by ${signal}]\n`);
      r(code);
    }),
  );
  return { proc, output, exited };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitForHeight(c: StrataClient, h: number, timeoutMs = 20_000): Promise<number> {
  return waitFor(
    `height ${h}`,
    async () => {
      const s = await c.status();
      const n = Number(s.sync_info.latest_block_height);
      return n >= h ? n : undefined;
    },
    timeoutMs,
  );
}
