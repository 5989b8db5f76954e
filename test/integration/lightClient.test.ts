// The light client against a real 4-validator devnet whose validator set changes (node3 double
// signs, evidence sent with broadcast_evidence, and leaves the set): from the hash of block 1,
// taken from another node, it verifies every header to the tip sequentially and by skipping,
// then a balance (abci_query "/store" proof) and a transfer (tx proof) against verified headers;
// a header and a proof tampered in flight are rejected; and `strata query … --verify` says so.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duplicateVoteEvidenceJson } from "#client/evidenceJson.ts";
import { getKey } from "#client/keyring.ts";
import { LightClient, type LightProvider } from "#client/light/lightClient.ts";
import { LightClientError } from "#client/light/lightClientError.ts";
import { rpcProvider } from "#client/light/rpcProvider.ts";
import { verifyStoreResponse, verifyTxResponse } from "#client/light/verifiedQuery.ts";
import { signTx } from "#client/tx.ts";
import { VoteType, voteSignBytes } from "#consensus/vote.ts";
import { addressFromPubkey, decodeAddress, encodeAddress } from "#state/crypto/address.ts";
import { publicKeyFromSeed, signMessage } from "#state/crypto/ed25519.ts";
import { Account } from "#state/encoding/types.ts";
import { accountKey } from "#state/modules/bank/store.ts";
import { validatorSeed } from "../helpers/doubleSign.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { STRATA, waitFor } from "../helpers/proc.ts";

const CHAIN = "strata-devnet";
const WEEK = 7 * 86_400_000;

describe("light client on a real devnet with a validator-set change", () => {
  let net: TestNet;
  let tip = 0;
  let trustHash = "";
  let txHash = "";
  let bob = "";
  const latest = async () => Number((await net.clients[0].status()).sync_info.latest_block_height);

  beforeAll(async () => {
    net = await startTestNet(4);
    await waitAllAtLeast(net, 3, [0, 1, 2, 3], 90_000);
    // node3 double signs; the evidence goes to every node and node3 leaves the set (at H + 2)
    const seed = validatorSeed(net.homes[3]);
    const h = (await latest()) - 1;
    const vote = (fill: number) => {
      const body = {
        type: VoteType.Precommit,
        height: h,
        round: 0,
        blockId: new Uint8Array(32).fill(fill),
        timestamp: Date.now(),
        validator: addressFromPubkey(publicKeyFromSeed(seed)),
      };
      return { body, signature: signMessage(seed, voteSignBytes(CHAIN, body)) };
    };
    const ev = duplicateVoteEvidenceJson(vote(1), vote(2));
    await Promise.all(net.clients.map((c) => c.call("broadcast_evidence", { evidence: ev })));
    const three = async () => ((await net.clients[0].call<any>("validators")).validators as unknown[]).length === 3;
    await waitFor("node3 out of the validator set", async () => ((await three()) ? true : undefined), 60_000);
    // a transfer to prove
    const alice = getKey(join(net.dir, "keys"), "alice");
    bob = getKey(join(net.dir, "keys"), "bob").address;
    const t = signTx(alice.seed, {
      chainId: CHAIN,
      nonce: 0n,
      fee: 100_000n * 1_000_000_000n,
      msgs: [{ type: "bank/send", value: { to: decodeAddress(bob), denom: "stra", amount: 123n } }],
    });
    expect((await net.clients[0].broadcastTxSync(t.bytes)).code).toBe(0);
    await net.clients[0].waitForTx(t.hash, 30_000);
    txHash = t.hash;
    tip = (await latest()) + 2;
    await waitAllAtLeast(net, tip, [0, 1, 2]);
    // trust out of band: block 1's hash as another node reports it
    trustHash = (await net.clients[1].call<any>("block", { height: "1" })).block_id.hash;
  }, 180_000);

  afterAll(async () => net?.stopAll());

  const create = (provider: LightProvider, mode: "sequential" | "skipping") =>
    LightClient.create(
      provider,
      { height: 1, hash: new Uint8Array(Buffer.from(trustHash, "hex")), trustingPeriodMs: WEEK },
      { chainId: CHAIN, mode },
    );

  it("verifies every header from 1 to the tip sequentially, and by skipping, across the set change", async () => {
    const seq = await create(rpcProvider(net.clients[0]), "sequential");
    let adjacent = 0;
    seq.trace = (_h, how) => void (how === "adjacent" && adjacent++);
    const top = await seq.verifyHeight(tip);
    expect(adjacent).toBe(tip - 1);
    const other = await net.clients[2].call<any>("block", { height: String(tip) });
    expect(Buffer.from(top.hash).toString("hex").toUpperCase()).toBe(other.block_id.hash);
    expect(top.validators).toHaveLength(3);
    expect((await seq.verifyHeight(2)).validators).toHaveLength(4);

    const skip = await create(rpcProvider(net.clients[1]), "skipping");
    const how: string[] = [];
    skip.trace = (h, w) => how.push(`${w}:${h}`);
    expect((await skip.verifyHeight(tip)).hash).toEqual(top.hash);
    expect(how).toContain(`skipping:${tip}`);
    expect(how.length).toBeLessThan(tip / 2);
  }, 120_000);

  it("verifies a balance and a transfer against verified headers; tampered answers are rejected", async () => {
    const lc = await create(rpcProvider(net.clients[0]), "skipping");
    const key = accountKey(decodeAddress(bob));
    const q = await net.clients[0].call<any>("abci_query", {
      path: "/store",
      data: Buffer.from(key).toString("hex"),
      prove: true,
    });
    const r = await verifyStoreResponse(lc, q.response, key);
    expect(r.value).not.toBeNull();
    const account = Account.deserialize(r.value!);
    const stra = account.balances.find((c) => Buffer.from(c.denom).toString() === "stra")!.amount;
    expect(stra.toString()).toBe((await net.clients[0].balances(bob)).balances.stra);
    const t = await net.clients[0].call<any>("tx", { hash: txHash, prove: true });
    expect(t.proof.root_hash).toBe(
      (await net.clients[0].call<any>("block", { height: t.height })).block.header.data_hash,
    );
    await verifyTxResponse(lc, t);

    const kind = async (p: Promise<unknown>) =>
      p.then(
        () => "accepted",
        (e) => (e instanceof LightClientError ? e.kind : String(e)),
      );
    const forgedValue = {
      ...q.response,
      value: Buffer.from(
        Account.serialize({ ...account, balances: account.balances.map((c) => ({ ...c, amount: c.amount * 2n })) }),
      ).toString("base64"),
    };
    expect(await kind(verifyStoreResponse(lc, forgedValue, key))).toBe("invalid_proof");
    // absence: a key nobody wrote is proven absent; a node denying bob's account cannot prove it
    const noKey = accountKey(new Uint8Array(20).fill(7));
    const qa = await net.clients[0].call<any>("abci_query", {
      path: "/store",
      data: Buffer.from(noKey).toString("hex"),
      prove: true,
    });
    expect(qa.response.value).toBe("");
    expect(qa.response.proofOps.ops[0].type).toBe("strata/imt/v1");
    expect((await verifyStoreResponse(lc, qa.response, noKey)).value).toBeNull();
    const denied = {
      ...qa.response,
      key: q.response.key,
      proofOps: { ops: [{ ...qa.response.proofOps.ops[0], key: q.response.key }] },
    };
    expect(await kind(verifyStoreResponse(lc, denied, key))).toBe("invalid_proof");
    expect(await kind(verifyStoreResponse(lc, { ...q.response, proofOps: null }, key))).toBe("invalid_proof");
    expect(await kind(verifyTxResponse(lc, { ...t, index: t.index + 1 }))).toBe("invalid_proof");
    // a node that rewrites the app hash of one header: the real commit no longer signs it
    const honest = rpcProvider(net.clients[0]);
    const lying: LightProvider = {
      latestHeight: honest.latestHeight,
      async lightBlock(h) {
        const b = await honest.lightBlock(h);
        if (h !== tip - 1) return b;
        const header = { ...b.header, stateRoot: new Uint8Array(32).fill(7) };
        return { ...b, header, hash: (await import("#consensus/blockHashes.ts")).blockIdOf(header) };
      },
    };
    const seq = await create(lying, "sequential");
    expect(await kind(seq.verifyHeight(tip))).toBe("bad_commit");
    expect(seq.latestTrusted.height).toBe(tip - 2);
  }, 120_000);

  it("strata query … --verify: verified from trust flags, then from the home's trusted store; a wrong trust hash is not", async () => {
    const home = mkdtempSync(join(tmpdir(), "strata-light-"));
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [STRATA, ...args, "--node", net.clients[0].url, "--home", home], {
        encoding: "utf8",
        timeout: 60_000,
      });
    const first = cli(
      "query",
      "bank",
      "balances",
      bob,
      "--verify",
      "--trust-height",
      "1",
      "--trust-hash",
      trustHash,
      "--output",
      "json",
    );
    expect(first.status, first.stderr).toBe(0);
    const j = JSON.parse(first.stdout);
    expect(j.verified.ok).toBe(true);
    expect(j.balances.stra).toBe((await net.clients[0].balances(bob)).balances.stra);
    const again = cli("query", "tx", txHash, "--verify");
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /verified {2}yes: proven against header \d+ \([0-9A-F]{64}\), verified from trusted height \d+/,
    );
    // another node as a witness: it serves the same header, so it agrees
    const witnessed = cli("query", "tx", txHash, "--verify", "--witness", net.clients[1].url);
    expect(witnessed.status, witnessed.stderr).toBe(0);
    expect(witnessed.stdout).toContain(`witnesses: ${net.clients[1].url} agrees`);
    const wrong = cli("query", "bank", "balances", bob, "--verify", "--trust-height", "2", "--trust-hash", trustHash);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toMatch(/verified {2}NO \(forged_header\)/);
    const block = cli("query", "block", "3", "--verify", "--output", "json");
    expect(block.status, block.stderr).toBe(0);
    expect(JSON.parse(block.stdout).verified).toMatchObject({ ok: true, height: 3 });
    // an account that never existed: its absence is proven, not taken on the node's word
    const nobody = encodeAddress(new Uint8Array(20).fill(3));
    const absent = cli("query", "bank", "balances", nobody, "--verify");
    expect(absent.status, absent.stderr + absent.stdout).toBe(0);
    expect(absent.stdout).toMatch(/verified {2}yes: proven against header \d+/);
    expect(absent.stdout).toContain(`account ${nobody} does not exist at height`);
    expect(absent.stdout).toContain("(proven absent)");
  }, 300_000); // seven CLI processes, each loading the whole tree: ~10 s apiece on a busy 2-core machine
});
