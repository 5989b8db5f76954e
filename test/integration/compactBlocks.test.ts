// Compact proposals on a real 4-validator devnet: nodes 1–3 keep a mempool of one tx, so when
// node0 proposes a block of many txs they hold almost none of them. They must fetch the missing
// txs from peers over the sync protocol, rebuild the exact block and vote for it; without the
// fetch node0 (40 % of the power) could never get such a block committed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTx } from "#client/tx.ts";
import { ONE } from "#state/denoms.ts";
import { testKey } from "../fixtures/memChain.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";

const FEE = 100_000n * 1_000_000_000n;
const SENDERS = 40;

describe("compact proposals", () => {
  let net: TestNet;
  const keys = Array.from({ length: SENDERS }, (_, i) => testKey(80_000 + i));

  beforeAll(async () => {
    net = await startTestNet(
      4,
      { extraAccounts: keys.map((k) => ({ address: k.bech32, stra: 10n * ONE })) },
      (cfg, i) => {
        if (i > 0) cfg.mempool = { ...cfg.mempool, maxTxs: 1 };
      },
    );
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
  }, 60_000);
  afterAll(async () => net?.stopAll());

  it("peers fetch the txs they lack and commit node0's large blocks", async () => {
    const c0 = net.clients[0]!;
    const txs = keys.map((k, i) =>
      signTx(k.seed, {
        chainId: "strata-devnet",
        nonce: 0n,
        fee: FEE,
        msgs: [{ type: "bank/send", value: { to: keys[(i + 1) % SENDERS]!.address, denom: "stra", amount: 1n } }],
      }),
    );
    // all at once, so they pile up in node0's mempool between its proposals however slow the machine
    for (const r of await Promise.all(txs.map((t) => c0.broadcastTxSync(t.bytes)))) expect(r.code).toBe(0);
    const heights = await Promise.all(txs.map(async (t) => Number((await c0.waitForTx(t.hash, 60_000)).height)));

    const sizes = await Promise.all([...new Set(heights)].map(async (h) => (await c0.block(h)).block.data.txs.length));
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(10);
    const fetched = await Promise.all(
      [1, 2, 3].map(
        async (i) =>
          (await net.clients[i]!.call<any>("consensus_state")).round_state.stats.proposalTxsFetched as number,
      ),
    );
    expect(fetched.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const top = Math.max(...heights);
    await waitAllAtLeast(net, top, [0, 1, 2, 3]);
    const roots = await Promise.all(net.clients.map(async (c) => (await c.block(top)).block.header.app_hash));
    expect(new Set(roots).size).toBe(1);
  }, 120_000);
});
