// A single-validator node as a real process: transfers over RPC, the block store, the tx index,
// bad input over RPC, kill -9 and restart, and a genesis that does not match the database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addKey } from "#client/keyring.ts";
import { StrataClient } from "#client/rpcClient.ts";
import { signTx } from "#client/tx.ts";
import { decodeAddress } from "#state/crypto/address.ts";
import { ErrorCode } from "#state/errors.ts";
import { ONE } from "#state/denoms.ts";
import { freePort, startProc, strata, waitForHeight, type NodeProc } from "../helpers/proc.ts";

const FEE = 100_000n * 1_000_000_000n;

describe("single validator node (real process, LevelDB, HTTP)", () => {
  const home = mkdtempSync(join(tmpdir(), "strata-it-"));
  let port: number;
  let node: NodeProc;
  let client: StrataClient;
  const alice = addKey(join(home, "keys"), "alice");
  const bob = addKey(join(home, "keys"), "bob");

  beforeAll(async () => {
    port = await freePort();
    const init = strata([
      "init",
      "--chain-id",
      "strata-it",
      "--moniker",
      "it0",
      "--home",
      home,
      "--fund",
      `${alice.address}=1000stra`,
    ]);
    expect(init.code, init.stderr).toBe(0);
    const cfgPath = join(home, "config.json");
    const cfg = JSON.parse(readFileSync(cfgPath, "utf8"));
    cfg.rpc.port = port;
    cfg.p2p.port = await freePort();
    cfg.consensus.timeoutCommitMs = 200;
    writeFileSync(cfgPath, JSON.stringify(cfg));
    node = startProc(["start", "--home", home, "--log-format", "json"]);
    client = new StrataClient(`http://127.0.0.1:${port}`);
    await waitForHeight(client, 1);
  });

  afterAll(async () => {
    node?.proc.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });

  async function transfer(nonce: bigint, amount: bigint) {
    const { bytes, hash } = signTx(alice.seed, {
      chainId: "strata-it",
      nonce,
      fee: FEE,
      msgs: [{ type: "bank/send", value: { to: decodeAddress(bob.address), denom: "stra", amount } }],
    });
    const r = await client.broadcastTxSync(bytes);
    expect(r.code, r.log).toBe(0);
    return hash;
  }

  it("--log-format json: one record per line, one `time` each (the log's), the block's time as blockTime", async () => {
    await waitForHeight(client, 3);
    const lines = node.output
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(l.match(/"time":/g), l).toHaveLength(1); // JSON.parse would keep only the last of two
    const blocks = lines.map((l) => JSON.parse(l)).filter((r) => typeof r.blockTime === "string");
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const r of blocks) {
      expect(Number.isNaN(Date.parse(r.blockTime))).toBe(false);
      expect(r.time).not.toBe(r.blockTime); // the log's own clock, not the header's
    }
  });

  it("commits transfers sent over RPC and serves balances, blocks and txs", async () => {
    const hashes = [await transfer(0n, 1n * ONE), await transfer(1n, 2n * ONE), await transfer(2n, 3n * ONE)];
    const results = await Promise.all(hashes.map((h) => client.waitForTx(h)));
    for (const r of results) expect(r.tx_result.code).toBe(0);
    const bal = await client.balances(bob.address);
    expect(bal.balances.stra).toBe((6n * ONE).toString());
    const a = await client.balances(alice.address);
    expect(BigInt(a.balances.stra)).toBe(1000n * ONE - 6n * ONE - 3n * FEE);
    expect(a.nonce).toBe("3");
    const b = await client.block(Number(results[0].height));
    expect(b.block.data.txs.length).toBeGreaterThan(0);
    expect(b.block.header.height).toBe(results[0].height);
  });

  it("rejects bad input over RPC with specific codes", async () => {
    const garbage = await client.broadcastTxSync(Uint8Array.of(1, 2, 3, 4));
    expect(garbage.code).toBe(ErrorCode.TxMalformed);
    const replay = signTx(alice.seed, {
      chainId: "strata-it",
      nonce: 0n,
      fee: FEE,
      msgs: [{ type: "bank/send", value: { to: decodeAddress(bob.address), denom: "stra", amount: 1n } }],
    });
    expect((await client.broadcastTxSync(replay.bytes)).code).toBe(ErrorCode.NonceTooLow);
    const wrongChain = signTx(alice.seed, {
      chainId: "other",
      nonce: 3n,
      fee: FEE,
      msgs: [{ type: "bank/send", value: { to: decodeAddress(bob.address), denom: "stra", amount: 1n } }],
    });
    expect((await client.broadcastTxSync(wrongChain.bytes)).code).toBe(ErrorCode.WrongChainId);
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{not json" });
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const unknown = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "nope" }),
    });
    expect(((await unknown.json()) as { error: { code: number } }).error.code).toBe(-32601);
    const uri = await fetch(`http://127.0.0.1:${port}/status`);
    expect(((await uri.json()) as { result: { node_info: { network: string } } }).result.node_info.network).toBe(
      "strata-it",
    );
  });

  it("after kill -9 restarts at the last committed height with the same state root and keeps going", async () => {
    const before = await client.status();
    const h = Number(before.sync_info.latest_block_height);
    const blockBefore = await client.block(h);
    node.proc.kill("SIGKILL");
    await node.exited;
    node = startProc(["start", "--home", home]);
    await waitForHeight(client, h + 2);
    const blockAfter = await client.block(h);
    expect(blockAfter.block_id.hash).toBe(blockBefore.block_id.hash);
    expect(blockAfter.block.header.app_hash).toBe(blockBefore.block.header.app_hash);
    expect((await client.balances(bob.address)).balances.stra).toBe((6n * ONE).toString());
    // the chain still accepts the next nonce
    const hash = await transfer(3n, 1n);
    expect((await client.waitForTx(hash)).tx_result.code).toBe(0);
  });

  it("refuses to start with a genesis that does not match the database, with a clear error", async () => {
    node.proc.kill("SIGKILL");
    await node.exited;
    const gPath = join(home, "genesis.json");
    const g = JSON.parse(readFileSync(gPath, "utf8"));
    g.accounts[0].balances.stra = (2000n * ONE).toString();
    writeFileSync(gPath, JSON.stringify(g));
    const r = strata(["start", "--home", home]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("GenesisMismatch");
  });

  it("refuses a corrupt genesis naming the field", () => {
    const gPath = join(home, "genesis.json");
    const g = JSON.parse(readFileSync(gPath, "utf8"));
    g.validators[0].power = "-1";
    writeFileSync(gPath, JSON.stringify(g));
    const r = strata(["start", "--home", home]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("genesis.validators[0].power");
  });
});
