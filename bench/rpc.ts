// bench:rpc — one validator node (separate process); autocannon drives `status`,
// `bank_balances` and `broadcast_tx_sync` (pre-signed unique transfers) for a fixed time each.
// Prints JSON: requests/s, p50/p99 latency, errors.
//   node bench/rpc.ts [--seconds 10] [--connections 32]
import { waitForFirstBlock } from "./stopNodes.ts";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createDevnet } from "../cli/devnet.ts";
import { StrataClient } from "../client/rpcClient.ts";
import { signTx } from "../client/tx.ts";
import { ONE } from "../state/denoms.ts";
import { testKey } from "../test/fixtures/memChain.ts";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "10" }, connections: { type: "string", default: "32" } },
});
const SECONDS = Number(values.seconds);
const CONNS = Number(values.connections);
const STRATA = fileURLToPath(new URL("../cli/strata.ts", import.meta.url));
const SENDERS = 2000;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-rpc-"));
  const keys = Array.from({ length: SENDERS }, (_, i) => testKey(i));
  const { homes, rpc } = await createDevnet(dir, 1, {
    basePort: 17656,
    extraAccounts: keys.map((k) => ({ address: k.bech32, stra: 1000n * ONE })),
  });
  const node = spawn(process.execPath, [STRATA, "start", "--home", homes[0], "--log-level", "warn"], {
    stdio: "ignore",
  });
  const url = rpc[0];
  const client = new StrataClient(url);
  try {
    await waitForFirstBlock(client);
    const run = (title: string, opts: Partial<autocannon.Options>) =>
      new Promise<autocannon.Result>((resolve, reject) =>
        autocannon(
          {
            url,
            connections: CONNS,
            duration: SECONDS,
            method: "POST",
            headers: { "content-type": "application/json" },
            ...opts,
          } as autocannon.Options,
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      ).then((r) => ({
        method: title,
        requestsPerSec: Math.round(r.requests.average),
        latencyP50Ms: r.latency.p50,
        latencyP99Ms: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors,
        total: r.requests.total,
      }));

    const status = await run("status", { body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "status" }) });
    const balances = await run("bank_balances", {
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "bank_balances", params: { address: keys[0].bech32 } }),
    });
    // enough unique pre-signed txs for the window at up to ~4k/s
    const perSender = Math.ceil((SECONDS * 4000) / SENDERS);
    const bodies: string[] = [];
    for (let n = 0; n < perSender; n++) {
      for (const k of keys) {
        const t = signTx(k.seed, {
          chainId: "strata-devnet",
          nonce: BigInt(n),
          fee: 100_000n * 1_000_000_000n,
          msgs: [
            {
              type: "bank/send",
              value: { to: keys[(keys.indexOf(k) + 1) % SENDERS].address, denom: "stra", amount: 1n },
            },
          ],
        });
        bodies.push(
          JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "broadcast_tx_sync",
            params: { tx: Buffer.from(t.bytes).toString("base64") },
          }),
        );
      }
    }
    let next = 0;
    const broadcast = await run("broadcast_tx_sync", {
      requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
    });
    console.log(
      JSON.stringify(
        {
          bench: "rpc",
          seconds: SECONDS,
          connections: CONNS,
          results: [status, balances, { ...broadcast, presigned: bodies.length, used: Math.min(next, bodies.length) }],
        },
        null,
        2,
      ),
    );
  } finally {
    node.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
