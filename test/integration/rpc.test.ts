// The RPC surface against a real node process: CosmJS's Comet38Client unmodified (HTTP and
// WebSocket), every CometBFT-named method, JSON-RPC error codes and limits, abci_query proofs,
// rpc_discover, and many idle WebSockets while the chain keeps committing.
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import WebSocket from "ws";
import { getKey } from "#client/keyring.ts";
import { signTx } from "#client/tx.ts";
import { verifyStoreProof } from "#client/proof.ts";
import { decodeAddress, encodeAddress } from "#state/crypto/address.ts";
import { accountKey } from "#state/modules/bank/store.ts";
import { useSharedNet } from "../helpers/sharedNet.ts";
import { waitFor, waitForHeight } from "../helpers/proc.ts";

const FEE = 100_000n * 1_000_000_000n;

describe("RPC (real node, HTTP + WebSocket)", () => {
  // a node shared with other files (netBroker.ts): alice's nonce is read from the chain, and the
  // transfers go to an address of this file's own that never sends
  const net = useSharedNet();
  const RECIPIENT = new Uint8Array(20).fill(0xb0);
  let url: string;
  let nonce = 0n;
  const post = async (body: unknown) => {
    const r = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: r.status, json: r.status === 204 ? undefined : ((await r.json()) as any) };
  };
  const transfer = (amount: bigint) => {
    const alice = getKey(join(net.dir, "keys"), "alice");
    return signTx(alice.seed, {
      chainId: "strata-devnet",
      nonce: nonce++,
      fee: FEE,
      msgs: [{ type: "bank/send", value: { to: RECIPIENT, denom: "stra", amount } }],
    });
  };

  beforeAll(async () => {
    url = net.clients[0].url;
    nonce = BigInt((await net.clients[0].balances(getKey(join(net.dir, "keys"), "alice").address)).nonce);
  }, 60_000);

  it("CosmJS Comet38Client works unmodified over HTTP", async () => {
    const c = await Comet38Client.connect(url);
    const status = await c.status();
    expect(status.nodeInfo.network).toBe("strata-devnet");
    expect(status.syncInfo.latestBlockHeight).toBeGreaterThan(0);
    const block = await c.block();
    expect(block.block.header.chainId).toBe("strata-devnet");
    const b1 = await c.block(1);
    expect(b1.block.lastCommit).toBeNull();
    const b2 = await c.block(2);
    expect(b2.block.lastCommit?.signatures.length).toBe(1);
    expect(b2.block.header.lastBlockId?.hash).toEqual(b1.blockId.hash);
    const chain = await c.blockchain(1, 2);
    expect(chain.blockMetas.map((m) => m.header.height)).toEqual([2, 1]);
    const commit = await c.commit(2);
    expect(commit.commit.blockId.hash).toEqual(b2.blockId.hash);
    const vals = await c.validators({ height: 2 });
    expect(vals.total).toBe(1);
    const genesis = await c.genesis();
    expect(genesis.chainId).toBe("strata-devnet");
    const info = await c.abciInfo();
    expect(info.lastBlockHeight).toBeGreaterThan(0);

    const t = transfer(7n);
    const sync = await c.broadcastTxSync({ tx: t.bytes });
    expect(sync.code).toBe(0);
    expect(Buffer.from(sync.hash).toString("hex").toUpperCase()).toBe(t.hash);
    const committed = await c.broadcastTxCommit({ tx: transfer(8n).bytes });
    expect(committed.txResult?.code).toBe(0);
    expect(committed.height).toBeGreaterThan(0);
    const tx = await c.tx({ hash: Buffer.from(t.hash, "hex") });
    expect(tx.result.code).toBe(0);
    const results = await c.blockResults(tx.height);
    expect(results.results[tx.index].code).toBe(0);
    // the app hash that block produced (header H carries the root after executing H), not today's
    // (CosmJS 0.36 has no appHash on block results nor a header(): read them raw)
    const raw = net.clients[0];
    const appHashAt = async (h: number) =>
      Buffer.from(
        (await raw.call<{ app_hash: string }>("block_results", { height: String(h) })).app_hash,
        "base64",
      ).toString("hex");
    const atTx = await c.block(tx.height);
    expect(await appHashAt(tx.height)).toBe(Buffer.from(atTx.block.header.appHash).toString("hex"));
    expect(await appHashAt(1)).toBe(Buffer.from(b1.block.header.appHash).toString("hex"));
    const hdr = await raw.call<{ header: { height: string; app_hash: string } }>("header", { height: "2" });
    expect(hdr.header.height).toBe("2");
    expect(hdr.header.app_hash).toBe(Buffer.from(b2.block.header.appHash).toString("hex").toUpperCase());
    const hb = await net.clients[0].call<{ header: { height: string } }>("header_by_hash", {
      hash: Buffer.from(b2.blockId.hash).toString("hex"),
    });
    expect(hb.header.height).toBe("2");
    const chunk = await net.clients[0].call<{ chunk: string; total: string; data: string }>("genesis_chunked", {
      chunk: "0",
    });
    expect(JSON.parse(Buffer.from(chunk.data, "base64").toString()).genesis.chain_id).toBe("strata-devnet");
    const search = await c.txSearch({ query: `tx.height=${tx.height}` });
    expect(search.txs.some((x) => Buffer.from(x.hash).toString("hex").toUpperCase() === t.hash)).toBe(true);
    const blocks = await c.blockSearchAll({ query: "block.height<=2" });
    expect(blocks.blocks.map((b) => b.block.header.height).sort()).toEqual([1, 2]);
    const byHash = await c.txSearchAll({ query: `tx.hash='${t.hash}'` });
    expect(byHash.totalCount).toBe(1);
    // from the event index: every tx alice sent, then narrowed by a second condition
    const alice = getKey(join(net.dir, "keys"), "alice").address;
    const bob = encodeAddress(RECIPIENT);
    const sent = await c.txSearchAll({ query: `message.sender='${alice}'` });
    expect(sent.totalCount).toBeGreaterThanOrEqual(2);
    expect(sent.txs.some((x) => Buffer.from(x.hash).toString("hex").toUpperCase() === t.hash)).toBe(true);
    const toBob = await c.txSearchAll({ query: `transfer.recipient='${bob}' AND tx.height=${tx.height}` });
    expect(toBob.txs.length).toBeGreaterThanOrEqual(1);
    expect(toBob.txs.every((x) => x.height === tx.height)).toBe(true);
    expect((await c.txSearchAll({ query: `message.sender='${bob}'` })).totalCount).toBe(0);
    const async = await c.broadcastTxAsync({ tx: transfer(9n).bytes });
    expect(async.hash.length).toBe(32);
    const q = await c.abciQuery({
      path: "/bank/balances",
      data: new TextEncoder().encode(JSON.stringify({ address: getKey(join(net.dir, "keys"), "bob").address })),
    });
    expect(JSON.parse(Buffer.from(q.value).toString()).balances.stra).toBeDefined();
    c.disconnect();
  }, 60_000);

  it("CosmJS subscribeNewBlock and subscribeTx over WebSocket deliver live events", async () => {
    const ws = new WebsocketClient(url.replace("http", "ws"));
    const c = Comet38Client.create(ws);
    const heights: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = c.subscribeNewBlock().subscribe({
        next: (b) => {
          heights.push(b.header.height);
          if (heights.length === 2) {
            sub.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
      setTimeout(() => reject(new Error("no NewBlock events")), 30_000);
    });
    expect(heights[1]).toBe(heights[0] + 1);
    // subscribeNewBlockHeader got nothing before: the event was never emitted
    const header = await new Promise<number>((resolve, reject) => {
      const sub = c
        .subscribeNewBlockHeader()
        .subscribe({ next: (h) => (sub.unsubscribe(), resolve(h.height)), error: reject });
      setTimeout(() => reject(new Error("no NewBlockHeader events")), 30_000);
    });
    expect(header).toBeGreaterThan(heights[1]!);
    const t = transfer(3n);
    const got = new Promise<string>((resolve, reject) => {
      c.subscribeTx(`tx.hash='${t.hash}'`).subscribe({
        next: (e) => resolve(Buffer.from(e.hash).toString("hex").toUpperCase()),
        error: reject,
      });
      setTimeout(() => reject(new Error("no Tx event")), 30_000);
    });
    // CosmJS does not surface the subscribe reply; the server handles one socket's requests in
    // order, so once a later subscription on it delivers an event, the Tx one is in place
    await new Promise<void>((resolve, reject) => {
      const sub = c.subscribeNewBlock().subscribe({ next: () => (sub.unsubscribe(), resolve()), error: reject });
    });
    await net.clients[0].broadcastTxSync(t.bytes);
    expect(await got).toBe(t.hash);
    c.disconnect();
  }, 90_000);

  it("WebSocket subscriptions by message.sender, and the per-connection subscription limit", async () => {
    const ws = new WebSocket(url.replace("http", "ws") + "/websocket");
    await new Promise((r) => ws.once("open", r));
    const msgs: any[] = [];
    ws.on("message", (d) => msgs.push(JSON.parse(String(d))));
    const reply = (what: string, f: (m: any) => boolean) => waitFor(what, async () => msgs.find(f));
    const alice = getKey(join(net.dir, "keys"), "alice").address;
    ws.send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: "s1",
        method: "subscribe",
        params: { query: `tm.event='Tx' AND message.sender='${alice}'` },
      }),
    );
    await reply("subscribed", (m) => m.id === "s1");
    await net.clients[0].broadcastTxSync(transfer(4n).bytes);
    const ev = await reply("the Tx event", (m) => m.id === "s1" && m.result?.data?.type === "tendermint/event/Tx");
    expect(ev.result.events["message.sender"]).toContain(alice);
    for (let i = 0; i < 12; i++)
      ws.send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: `x${i}`,
          method: "subscribe",
          params: { query: `block.height=${1000 + i}` },
        }),
      );
    await waitFor("every subscribe answered", async () =>
      msgs.filter((m) => typeof m.id === "string" && m.id.startsWith("x")).length === 12 ? true : undefined,
    );
    expect(
      msgs.some((m) => typeof m.id === "string" && m.id.startsWith("x") && m.error?.data?.name === "SubscriptionLimit"),
    ).toBe(true);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: "bad", method: "subscribe", params: { query: "tm.event=='x'" } }));
    expect((await reply("the bad query refused", (m) => m.id === "bad")).error.code).toBe(-32602);
    ws.close();
  }, 60_000);

  it("JSON-RPC 2.0 errors, batches, notifications and limits", async () => {
    expect((await post("{oops")).json.error.code).toBe(-32700);
    expect((await post({ jsonrpc: "1.0", id: 1, method: "status" })).json.error.code).toBe(-32600);
    expect((await post({ jsonrpc: "2.0", id: 1, method: "nope" })).json.error.code).toBe(-32601);
    expect((await post({ jsonrpc: "2.0", id: 1, method: "block", params: { height: "abc" } })).json.error.code).toBe(
      -32602,
    );
    expect(
      (await post({ jsonrpc: "2.0", id: 1, method: "bank_balances", params: { address: "cosmos1xyz" } })).json.error
        .code,
    ).toBe(-32602);
    const app = (await post({ jsonrpc: "2.0", id: 1, method: "tx", params: { hash: "00".repeat(32) } })).json.error;
    expect(app.code).toBe(-32603);
    expect(app.data.name).toBe("TxNotFound");
    const batch = await post([
      { jsonrpc: "2.0", id: 1, method: "health" },
      { jsonrpc: "2.0", method: "health" },
      { jsonrpc: "2.0", id: 2, method: "nope" },
    ]);
    expect(batch.json.map((r: any) => r.id)).toEqual([1, 2]);
    expect((await post({ jsonrpc: "2.0", method: "health" })).status).toBe(204);
    expect(
      (await post(Array.from({ length: 101 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "health" })))).json.error
        .code,
    ).toBe(-32600);
    const huge = await post({ jsonrpc: "2.0", id: 1, method: "health", params: { x: "a".repeat(2 << 20) } });
    expect(huge.status).toBe(413);
    expect(((await (await fetch(`${url}/block?height=1`)).json()) as any).result.block.header.height).toBe("1");
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it("abci_query /store with prove returns a proof the client checks against the block's app hash", async () => {
    const bob = getKey(join(net.dir, "keys"), "bob");
    const key = Buffer.from(accountKey(decodeAddress(bob.address))).toString("hex");
    const r = (
      await post({ jsonrpc: "2.0", id: 1, method: "abci_query", params: { path: "/store", data: key, prove: true } })
    ).json.result.response;
    const header = (await post({ jsonrpc: "2.0", id: 1, method: "block", params: { height: r.height } })).json.result
      .block.header;
    expect(verifyStoreProof(header.app_hash, r.key, r.value, r.proofOps)).toEqual({
      value: new Uint8Array(Buffer.from(r.value, "base64")),
    });
    const tampered = Buffer.from(r.value, "base64");
    tampered[tampered.length - 1] ^= 1;
    expect(verifyStoreProof(header.app_hash, r.key, tampered.toString("base64"), r.proofOps)).toBeUndefined();
    // a key nobody wrote: "does not exist" comes with an absence proof
    const none = Buffer.from(accountKey(new Uint8Array(20).fill(0xee))).toString("hex");
    const a = (
      await post({ jsonrpc: "2.0", id: 1, method: "abci_query", params: { path: "/store", data: none, prove: true } })
    ).json.result.response;
    const aHeader = (await post({ jsonrpc: "2.0", id: 1, method: "block", params: { height: a.height } })).json.result
      .block.header;
    expect(a.value).toBe("");
    expect(a.proofOps.ops[0].type).toBe("strata/imt/v1");
    expect(verifyStoreProof(aHeader.app_hash, a.key, a.value, a.proofOps)).toEqual({ value: null });
    expect(verifyStoreProof(aHeader.app_hash, a.key, r.value, a.proofOps)).toBeUndefined();
  });

  it("rpc_discover lists every method with schemas", async () => {
    const d = (await post({ jsonrpc: "2.0", id: 1, method: "rpc_discover" })).json.result;
    const names = d.methods.map((m: any) => m.name);
    for (const n of [
      "health",
      "status",
      "net_info",
      "genesis",
      "blockchain",
      "block",
      "block_by_hash",
      "block_results",
      "commit",
      "validators",
      "consensus_params",
      "unconfirmed_txs",
      "num_unconfirmed_txs",
      "broadcast_tx_async",
      "broadcast_tx_sync",
      "broadcast_tx_commit",
      "tx",
      "tx_search",
      "abci_info",
      "abci_query",
      "bank_balances",
    ]) {
      expect(names).toContain(n);
    }
    expect(d.methods.find((m: any) => m.name === "bank_balances").params[0].name).toBe("address");
  });

  it("2,000 idle WebSockets do not stop the chain or other clients", async () => {
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 2000; i++) sockets.push(new WebSocket(url.replace("http", "ws") + "/websocket"));
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise((r) => {
            s.once("open", r);
            s.once("error", r);
          }),
      ),
    );
    const h = Number((await net.clients[0].status()).sync_info.latest_block_height);
    await waitForHeight(net.clients[0], h + 2);
    expect((await post({ jsonrpc: "2.0", id: 1, method: "status" })).json.result.node_info.network).toBe(
      "strata-devnet",
    );
    for (const s of sockets) s.terminate();
  }, 60_000);
});
