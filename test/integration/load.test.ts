// Correctness under load: the load generator (bench/load.ts) submits pre-signed transfers to a
// 4-validator devnet while one validator is killed with -9 and restarted. The chain keeps
// finalizing, the restarted node catches up to the same state root, and every accepted tx is
// applied exactly once: each sender's nonce equals the txs it sent, each balance is exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { runLoad } from "#bench/load.ts";
import { testKey } from "../fixtures/memChain.ts";
import { ONE } from "#state/denoms.ts";
import { waitFor } from "../helpers/proc.ts";

const ACCOUNTS = 150;
const PER_ACCOUNT = 10;
const FUND = 1000n * ONE;
const FEE = 100_000n * 1_000_000_000n; // what bench/load.ts pays per transfer

describe("load with a validator restarted (kill -9)", () => {
  let net: TestNet;
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => testKey(70_000 + i));

  beforeAll(async () => {
    net = await startTestNet(4, { extraAccounts: keys.map((k) => ({ address: k.bech32, stra: FUND })) });
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
  }, 60_000);
  afterAll(async () => net?.stopAll());

  it("finalizes every accepted tx exactly once while node1 (30 % of the power) is killed and restarts", async () => {
    const urls = [0, 2, 3].map((i) => net.clients[i]!.url);
    const load = runLoad({
      rpcUrls: urls,
      wsUrl: urls[0]!.replace("http", "ws"),
      chainId: "strata-devnet",
      keys,
      txsPerAccount: PER_ACCOUNT,
      rate: 200,
      maxSeconds: 30,
      batch: 25,
    });
    await new Promise((r) => setTimeout(r, 2000));
    await net.kill(1, "SIGKILL");
    const [hKilled] = await net.heights();
    await waitAllAtLeast(net, hKilled! + 3, [0, 2, 3]); // finalizing without it
    net.start(1);
    const r = await load;
    expect(r.rejected, JSON.stringify(r.rejectReasons)).toBe(0);
    expect(r.accepted).toBe(ACCOUNTS * PER_ACCOUNT);
    expect(r.lost).toBe(0);
    expect(r.finalized).toBe(r.accepted);

    // the restarted node catches up and agrees on state
    const [top] = await net.heights();
    await waitAllAtLeast(net, top! + 1, [0, 1, 2, 3]);
    const roots = await Promise.all(net.clients.map(async (c) => (await c.block(top!)).block.header.app_hash));
    expect(new Set(roots).size).toBe(1);

    // exactly once: nonce = txs sent; balance = fund − fees (each account sends 1 and receives 1)
    for (const i of [0, 1]) {
      const c = net.clients[i]!;
      await waitFor(
        `node${i} has every tx`,
        async () => (Number((await c.balances(keys[ACCOUNTS - 1]!.bech32)).nonce) === PER_ACCOUNT ? true : undefined),
        30_000,
      );
      for (const k of keys) {
        const b = await c.balances(k.bech32);
        expect(b.nonce).toBe(String(PER_ACCOUNT));
        expect(BigInt(b.balances.stra!)).toBe(FUND - BigInt(PER_ACCOUNT) * FEE);
      }
    }
  }, 120_000);
});
