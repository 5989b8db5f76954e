// The CometBFT wire details of issue 18 against real node processes: URI (GET) arguments in 0x…
// hex and "quoted" strings, and net_info peers in v0.38's shape whose ids are the ids those
// peers give in their own status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { getKey } from "#client/keyring.ts";
import { signTx } from "#client/tx.ts";
import { decodeAddress } from "#state/crypto/address.ts";
import { accountKey } from "#state/modules/bank/store.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { waitFor } from "../helpers/proc.ts";

describe("URI arguments and net_info (3 real nodes)", () => {
  let net: TestNet;
  const get = async (i: number, path: string) => (await (await fetch(`${net.clients[i].url}${path}`)).json()) as any;

  beforeAll(async () => {
    net = await startTestNet(3);
    await waitAllAtLeast(net, 2, [0, 1, 2]);
  }, 60_000);
  afterAll(async () => net?.stopAll());

  it("GET with 0x… bytes and quoted strings, as CometBFT clients send them", async () => {
    const alice = getKey(join(net.dir, "keys"), "alice");
    const bob = getKey(join(net.dir, "keys"), "bob");
    const t = signTx(alice.seed, {
      chainId: "strata-devnet",
      nonce: 0n,
      fee: 100_000n * 1_000_000_000n,
      msgs: [{ type: "bank/send", value: { to: decodeAddress(bob.address), denom: "stra", amount: 5n } }],
    });
    const sent = await get(0, `/broadcast_tx_sync?tx=0x${Buffer.from(t.bytes).toString("hex")}`);
    expect(sent.result.code, JSON.stringify(sent)).toBe(0);
    const r = await net.clients[0].waitForTx(t.hash, 30_000);
    expect((await get(0, `/tx?hash=0x${t.hash}`)).result.hash).toBe(t.hash);
    const found = await get(0, `/tx_search?query=${encodeURIComponent(`"tx.height=${r.height}"`)}`);
    expect(found.result.txs.map((x: any) => x.hash)).toContain(t.hash);
    const block = await get(0, `/block?height=${r.height}`);
    expect((await get(0, `/block_by_hash?hash=0x${block.result.block_id.hash}`)).result.block.header.height).toBe(
      r.height,
    );
    const key = Buffer.from(accountKey(decodeAddress(bob.address))).toString("hex");
    const q = await get(0, `/abci_query?path=${encodeURIComponent('"/store"')}&data=0x${key}`);
    expect(q.result.response.value).not.toBe("");
    const bad = await get(0, "/tx?hash=0xabc");
    expect(bad.error.code).toBe(-32602);
    expect(String(bad.error.data)).toMatch(/hash/);
  }, 60_000);

  it("net_info: v0.38 peers whose ids are the ids in those peers' status", async () => {
    const statuses = await Promise.all(net.clients.map((c) => c.call<any>("status")));
    const ids = statuses.map((s) => s.node_info.id as string);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{40}$/);
    const info = await waitFor(
      "node0 knows both peers' monikers",
      async () => {
        const n = await net.clients[0].call<any>("net_info");
        return n.peers.length === 2 && n.peers.every((p: any) => p.node_info.moniker !== "") ? n : undefined;
      },
      30_000,
    );
    expect(info.n_peers).toBe("2");
    expect(info.listeners[0]).toMatch(/^Listener\(@tcp:\/\/127\.0\.0\.1:\d+\)$/);
    for (const p of info.peers) {
      const j = ids.indexOf(p.node_info.id);
      expect(j).toBeGreaterThan(0);
      expect(p.node_info.moniker).toBe(statuses[j].node_info.moniker);
      expect(p.node_info.listen_addr).toBe(statuses[j].node_info.listen_addr);
      expect(p.node_info.network).toBe("strata-devnet");
      expect(p.node_info.protocol_version).toEqual({ p2p: "8", block: "11", app: "1" });
      expect(p.remote_ip).toBe("127.0.0.1");
      expect(typeof p.is_outbound).toBe("boolean");
      expect(BigInt(p.connection_status.Duration)).toBeGreaterThanOrEqual(0n);
    }
  }, 60_000);
});
