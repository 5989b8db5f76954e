// A mempool that keeps its promises (issue 15 #4), on a real 4-validator net with a short TTL:
// - a tx accepted (code 0) by a node that never gossiped it and was then killed -9 is still
//   included: the node's mempool log brings it back and the others pull it;
// - a stuck tx (its sender's earlier nonce never came) expires after ttlNumBlocks together with
//   the later nonce behind it, and `tx` says "expired" instead of "not found".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTx } from "#client/tx.ts";
import { RpcError } from "#client/rpcClient.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { waitFor } from "../helpers/proc.ts";
import { TEST_FEE } from "../helpers/submit.ts";
import { testKey } from "../fixtures/memChain.ts";

const SENDERS = Array.from({ length: 20 }, (_, i) => testKey(3000 + i));
const TTL_BLOCKS = 8;

describe("the mempool keeps its promises", () => {
  let net: TestNet;
  let chainId: string;
  beforeAll(async () => {
    net = await startTestNet(
      4,
      { extraAccounts: SENDERS.map((k) => ({ address: k.bech32, stra: 10n ** 24n })) },
      (cfg) => {
        cfg.mempool = { ...(cfg.mempool ?? {}), ttlNumBlocks: TTL_BLOCKS };
      },
    );
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
    chainId = (await net.clients[0]!.status()).node_info.network;
  }, 60_000);
  afterAll(async () => {
    await net?.stopAll();
  });

  const send = (k: (typeof SENDERS)[0], nonce: bigint) =>
    signTx(k.seed, {
      chainId,
      nonce,
      fee: TEST_FEE,
      msgs: [{ type: "bank/send", value: { to: SENDERS[0]!.address, denom: "stra", amount: 1n } }],
    });

  it("txs accepted by a node that never gossiped them and was killed -9 are still included", async () => {
    await net.kill(3);
    net.start(3, { STRATA_TEST_NO_TX_GOSSIP: "1" });
    await waitFor("node3 RPC", async () => ((await net.heights())[3] !== undefined ? true : undefined), 30_000);
    const txs = SENDERS.slice(0, 10).map((k) => send(k, 0n));
    for (const t of txs) expect((await net.clients[3]!.broadcastTxSync(t.bytes)).code).toBe(0);
    await net.kill(3); // before anyone could pull them (peers pull txs a second old)
    net.start(3);
    for (const t of txs) {
      const r = await net.clients[0]!.waitForTx(t.hash, 60_000);
      expect(r.tx_result.code).toBe(0);
    }
  }, 120_000);

  it("a stuck tx expires after the TTL with the later nonce behind it, and `tx` says expired", async () => {
    const k = SENDERS[15]!;
    // nonce 0 never sent: 1 and 2 can never execute
    const stuck = [send(k, 1n), send(k, 2n)];
    for (const t of stuck) expect((await net.clients[0]!.broadcastTxSync(t.bytes)).code).toBe(0);
    const h0 = Math.max(...(await net.heights()).map((h) => h ?? 0));
    const why = async (hash: string) => {
      try {
        await net.clients[0]!.call("tx", { hash });
        return "included";
      } catch (e) {
        return (e as RpcError).message;
      }
    };
    const msgs = await waitFor(
      "both to expire",
      async () => {
        const m = await Promise.all(stuck.map((t) => why(t.hash)));
        return m.every((x) => x.includes("expired")) ? m : undefined;
      },
      60_000,
    );
    expect(msgs[0]).toContain("(ttl)");
    expect(msgs[1]).toContain("(dependency)");
    // a stable code a client can act on (resubmit), and waitForTx stops at once instead of timing out
    const err = await net.clients[0]!.call("tx", { hash: stuck[0]!.hash }).catch((e: RpcError) => e);
    expect((err as RpcError).data).toMatchObject({ code: 406, name: "TxExpired" });
    await expect(net.clients[0]!.waitForTx(stuck[0]!.hash, 60_000)).rejects.toThrow(/expired/);
    const h1 = Math.max(...(await net.heights()).map((h) => h ?? 0));
    expect(h1 - h0).toBeGreaterThanOrEqual(TTL_BLOCKS - 1);
    const n = await net.clients[0]!.call<{ n_txs: string }>("num_unconfirmed_txs");
    expect(Number(n.n_txs)).toBe(0);
  }, 120_000);
});
