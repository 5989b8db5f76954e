// The integration project's global setup: lends one single-validator devnet to the test files
// that only read from a node and submit their own txs (useSharedNet), so they do not each start
// and sync a node of their own. It runs in vitest's main process; the test files, each in its own
// worker, reach it over loopback HTTP (the address is `provide`d as "netBroker").
//
// The net starts on the first acquire and stops a grace period after its last user releases it,
// so files that do not use it never run beside an idle node for long; sharedNetFirst.ts orders the
// users first, one after another, so one net serves them all.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";
import { startTestNet, waitAllAtLeast, type TestNet } from "./devnet.ts";

/** What a test file receives: where the node's files and RPC are. */
export type SharedNetInfo = { dir: string; homes: string[]; rpc: string[]; starts: number };
/** Whether the node still runs, and what it printed (the hostile tests read both). */
export type SharedNetHealth = { running: boolean[]; output: string[] };

const GRACE_MS = 15_000;

declare module "vitest" {
  export interface ProvidedContext {
    netBroker: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let net: TestNet | undefined;
  let starting: Promise<TestNet> | undefined;
  let users = 0;
  let starts = 0;
  let stopTimer: NodeJS.Timeout | undefined;

  const acquire = async (): Promise<SharedNetInfo> => {
    users++;
    clearTimeout(stopTimer);
    if (!net) {
      starting ??= (async () => {
        const n = await startTestNet(1);
        await waitAllAtLeast(n, 2, [0]);
        starts++;
        console.log(`shared devnet: started (${starts}) at ${n.clients[0]!.url}`);
        return n;
      })();
      try {
        net = await starting;
      } finally {
        starting = undefined;
      }
    }
    return { dir: net.dir, homes: net.homes, rpc: net.clients.map((c) => c.url), starts };
  };
  const release = (): void => {
    users = Math.max(0, users - 1);
    if (users > 0) return;
    stopTimer = setTimeout(() => {
      const n = net;
      net = undefined;
      console.log("shared devnet: stopped, no file uses it");
      void n?.stopAll();
    }, GRACE_MS);
  };
  const health = (): SharedNetHealth => ({
    running: net?.procs.map((p) => p !== undefined && p.proc.exitCode === null && p.proc.signalCode === null) ?? [],
    output: net?.procs.map((p) => p?.output.join("") ?? "") ?? [],
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const route = `${req.method} ${req.url}`;
    const handle =
      route === "POST /acquire"
        ? acquire()
        : route === "POST /release"
          ? Promise.resolve(release()).then(() => ({}))
          : route === "GET /health"
            ? Promise.resolve(health())
            : Promise.reject(new Error(`no route ${route}`));
    handle.then(
      (body) => answer(200, body),
      (e: unknown) => answer(500, { error: e instanceof Error ? e.message : String(e) }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  project.provide("netBroker", `http://127.0.0.1:${port}`);

  return async () => {
    clearTimeout(stopTimer);
    server.close();
    await net?.stopAll();
  };
}
