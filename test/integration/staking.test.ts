// Proof of stake on a real 4-validator devnet: a new account creates a validator whose node
// (started from its own home) joins the active set at H + 2 and signs blocks; delegations move
// power; rewards accrue pro rata and are withdrawn; an undelegation pays out after unbonding.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addKey, getKey } from "#client/keyring.ts";

import { StrataClient } from "#client/rpcClient.ts";
import { decodeAddress, addressFromPubkey } from "#state/crypto/address.ts";
import { initHome } from "#node/homeSetup.ts";
import { homePaths } from "#node/config.ts";
import { ONE } from "#state/denoms.ts";
import { startProc, freePort, waitFor, type NodeProc } from "../helpers/proc.ts";
import { submitter, TEST_FEE as FEE } from "../helpers/submit.ts";
import { fastConsensus, startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";

describe("proof of stake on a 4-validator devnet", () => {
  let net: TestNet;
  let c: StrataClient;
  let dave: ReturnType<typeof addKey>;
  let node5: NodeProc | undefined;

  const submit = submitter(() => c);

  beforeAll(async () => {
    net = await startTestNet(4, { unbondingTimeMs: 4000 });
    c = net.clients[0];
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
    dave = addKey(join(net.dir, "keys"), "dave");
    const alice = getKey(join(net.dir, "keys"), "alice");
    await submit(alice, [
      { type: "bank/send", value: { to: decodeAddress(dave.address), denom: "stra", amount: 1000n * ONE } },
    ]);
  }, 90_000);

  afterAll(async () => {
    node5?.proc.kill("SIGKILL");
    await net?.stopAll();
  });

  it("a new validator joins the active set at H + 2 and its node signs blocks", async () => {
    const home = join(net.dir, "node5");
    const { pubkey } = initHome(home, { moniker: "dave-node" });
    cpSync(homePaths(net.homes[0]).genesis, homePaths(home).genesis);
    const cfg = JSON.parse(readFileSync(homePaths(home).config, "utf8"));
    cfg.p2p = {
      ...cfg.p2p,
      port: await freePort(),
      bootstrap: JSON.parse(readFileSync(homePaths(net.homes[0]).config, "utf8")).p2p.bootstrap,
    };
    cfg.rpc = { ...cfg.rpc, port: await freePort() };
    writeFileSync(homePaths(home).config, JSON.stringify(cfg));
    fastConsensus(home);
    node5 = startProc(["start", "--home", home]);
    const r = await submit(dave, [
      {
        type: "staking/create_validator",
        value: {
          consensusPubkey: new Uint8Array(Buffer.from(pubkey, "hex")),
          moniker: "dave",
          commissionRate: ONE / 20n,
          maxCommissionRate: ONE / 10n,
          selfStake: 150n * ONE,
        },
      },
    ]);
    const h = Number(r.height);
    const consAddr = Buffer.from(addressFromPubkey(new Uint8Array(Buffer.from(pubkey, "hex"))))
      .toString("hex")
      .toUpperCase();
    await waitAllAtLeast(net, h + 2, [0]);
    // decided at the end of H: the set signing H + 1 is unchanged, the set signing H + 2 has it
    const hdr = async (x: number) => (await c.call<any>("block", { height: String(x) })).block.header;
    const [hH, h1, h2] = [await hdr(h), await hdr(h + 1), await hdr(h + 2)];
    expect(h1.validators_hash).toBe(hH.validators_hash);
    expect(h2.validators_hash).not.toBe(h1.validators_hash);
    expect(h1.next_validators_hash).toBe(h2.validators_hash);
    const vals = (await c.call<any>("staking_validators")).validators as any[];
    const mine = vals.find((v) => v.moniker === "dave");
    expect(mine.power).toBe("150");
    expect(mine.status).toBe("bonded");
    // every node says so in its log, naming the height the new set takes over
    await waitFor(
      "node0 logs the join",
      async () => (net.procs[0]!.output.join("").includes("validator joins the active set") ? true : undefined),
      10_000,
    );
    expect(net.procs[0]!.output.join("")).toMatch(
      new RegExp(`validator joins the active set .*height=${h + 2} .*moniker=dave`),
    );
    // its node eventually signs a commit
    await waitFor(
      "dave's node signs a block",
      async () => {
        const latest = await c.call<any>("block");
        return latest.block.last_commit?.signatures?.some(
          (s: any) => s.validator_address === consAddr && s.block_id_flag === 2,
        )
          ? true
          : undefined;
      },
      60_000,
    );
    const lastCommit = (await c.call<any>("block")).block.last_commit.signatures as any[];
    expect(lastCommit.length).toBe(5);
  }, 120_000);

  it("delegation moves power, rewards accrue and are withdrawn", async () => {
    const bob = getKey(join(net.dir, "keys"), "bob");
    const before = Number(
      ((await c.call<any>("staking_validators")).validators as any[]).find((v) => v.moniker === "dave").power,
    );
    await submit(bob, [
      { type: "staking/delegate", value: { validator: decodeAddress(dave.address), amount: 50n * ONE } },
    ]);
    const after = Number(
      ((await c.call<any>("staking_validators")).validators as any[]).find((v) => v.moniker === "dave").power,
    );
    expect(after).toBe(before + 50);
    await waitFor(
      "bob's rewards accrue",
      async () =>
        BigInt((await c.call<any>("distribution_rewards", { address: bob.address })).total) > 0n ? true : undefined,
      20_000,
    );
    const balBefore = BigInt((await c.balances(bob.address)).balances.stra);
    await submit(bob, [{ type: "distribution/withdraw_rewards", value: { validator: decodeAddress(dave.address) } }]);
    const balAfter = BigInt((await c.balances(bob.address)).balances.stra);
    expect(balAfter + FEE).toBeGreaterThan(balBefore);
  }, 90_000);

  it("an undelegation is listed, then paid out after the unbonding time", async () => {
    const bob = getKey(join(net.dir, "keys"), "bob");
    await submit(bob, [
      { type: "staking/undelegate", value: { validator: decodeAddress(dave.address), amount: 10n * ONE } },
    ]);
    const ub = await c.call<any>("staking_unbondings", { address: bob.address });
    expect(ub.unbondings).toHaveLength(1);
    await waitFor(
      "unbonding matured",
      async () =>
        (await c.call<any>("staking_unbondings", { address: bob.address })).unbondings.length === 0 ? true : undefined,
      30_000,
    );
  }, 60_000);

  it("a validator rotates its consensus key: the set of H + 2 carries the new key, and the node signs with it once restarted with it", async () => {
    const home = join(net.dir, "node5");
    const fresh = join(net.dir, "node5-next-key");
    const { pubkey } = initHome(fresh, { moniker: "next" });
    const newAddr = Buffer.from(addressFromPubkey(new Uint8Array(Buffer.from(pubkey, "hex"))))
      .toString("hex")
      .toUpperCase();
    const r = await submit(dave, [
      { type: "staking/rotate_cons_pubkey", value: { consensusPubkey: new Uint8Array(Buffer.from(pubkey, "hex")) } },
    ]);
    const h = Number(r.height);
    await waitAllAtLeast(net, h + 2, [0]);
    const hdr = async (x: number) => (await c.call<any>("block", { height: String(x) })).block.header;
    expect((await hdr(h + 2)).validators_hash).not.toBe((await hdr(h + 1)).validators_hash);
    // the operator's procedure (docs/operating.md): once H + 1 is committed, restart the node with the new key
    node5!.proc.kill("SIGTERM");
    await node5!.exited;
    cpSync(homePaths(fresh).validatorKey, homePaths(home).validatorKey);
    node5 = startProc(["start", "--home", home]);
    await waitFor(
      "the new key signs a block",
      async () => {
        const latest = await c.call<any>("block");
        return latest.block.last_commit?.signatures?.some(
          (s: any) => s.validator_address === newAddr && s.block_id_flag === 2,
        )
          ? true
          : undefined;
      },
      60_000,
    );
    const v = ((await c.call<any>("staking_validators")).validators as any[]).find((x) => x.moniker === "dave");
    expect(v.consensusPubkey).toBe(pubkey);
    expect(v.jailed).toBe(false);
  }, 120_000);
});
