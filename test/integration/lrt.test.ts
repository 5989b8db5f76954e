// Liquid restaking on a real 4-validator devnet (genesis seeds service "avs-oracle" served by
// every validator and pool "pool-ststra"): stake → restake via RPC, yield accrues above the LST's,
// swap ststra for stra in the pool, a double-signing operator is slashed and the LRT rate drops
// more than the LST rate, withdraw after the delay. chain_yields reports the three layers.
import { doubleSignUntil, validatorSeed, type DoubleSigner } from "../helpers/doubleSign.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { getKey } from "#client/keyring.ts";
import { StrataClient } from "#client/rpcClient.ts";
import { ONE } from "#state/denoms.ts";
import { waitFor } from "../helpers/proc.ts";
import { waitForChainTime } from "../helpers/chainTime.ts";
import { submitter } from "../helpers/submit.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";

describe("liquid restaking on a 4-validator devnet", () => {
  let net: TestNet;
  let c: StrataClient;
  let harness: DoubleSigner | undefined;
  const submit = submitter(() => c);
  const keys = () => join(net.dir, "keys");

  beforeAll(async () => {
    net = await startTestNet(4, { withdrawalDelayMs: 3000 });
    c = net.clients[0];
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
    await net?.stopAll();
  });

  it("stake → restake; the epoch allocates to the service and yield accrues faster than the LST's", async () => {
    const bob = getKey(keys(), "bob");
    await submit(bob, [{ type: "lst/stake", value: { amount: 2000n * ONE } }]);
    await submit(bob, [{ type: "lrt/restake", value: { amount: 1000n * ONE } }]);
    expect(BigInt((await c.balances(bob.address)).balances.rststra)).toBeGreaterThanOrEqual(1000n * ONE);
    await waitFor(
      "allocated to the service",
      async () => (BigInt((await c.call<any>("lrt_state")).allocations[0].value) > 0n ? true : undefined),
      30_000,
    );
    const [l0, r0] = [BigInt((await c.call<any>("lst_state")).rate), BigInt((await c.call<any>("lrt_state")).rate)];
    const [h] = await net.heights();
    await waitAllAtLeast(net, h! + 25, [0]);
    const [l1, r1] = [BigInt((await c.call<any>("lst_state")).rate), BigInt((await c.call<any>("lrt_state")).rate)];
    expect((r1 * ONE) / r0).toBeGreaterThan((l1 * ONE) / l0);
    const y = await c.call<any>("chain_yields");
    expect(y.exposure[0].operators.length).toBe(4);
    expect(y.depeg[0].pool).toBe("pool-ststra");
  }, 120_000);

  it("swaps ststra for stra in the pool (instant exit), respecting minOut", async () => {
    const bob = getKey(keys(), "bob");
    const before = BigInt((await c.balances(bob.address)).balances.stra);
    await submit(bob, [
      {
        type: "strategy/swap",
        value: { pool: "pool-ststra", denomIn: "ststra", amountIn: 10n * ONE, minOut: 9n * ONE },
      },
    ]);
    expect(BigInt((await c.balances(bob.address)).balances.stra)).toBeGreaterThan(before);
  }, 60_000);

  it("a double-signing operator: its service allocation is cut; the LRT rate drops more than the LST rate", async () => {
    const _seed = validatorSeed(net.homes[1]!);
    const [l0, r0] = [BigInt((await c.call<any>("lst_state")).rate), BigInt((await c.call<any>("lrt_state")).rate)];
    harness = await doubleSignUntil(
      net,
      1,
      5,
      "operator slashed in the service",
      async () => BigInt((await c.call<any>("lrt_state")).rate) < r0,
    );
    const [l1, r1] = [BigInt((await c.call<any>("lst_state")).rate), BigInt((await c.call<any>("lrt_state")).rate)];
    const lstDrop = ONE - (l1 * ONE) / l0;
    const lrtDrop = ONE - (r1 * ONE) / r0;
    expect(lrtDrop).toBeGreaterThan(lstDrop);
  }, 120_000);

  it("withdraws rststra and claims ststra after the delay", async () => {
    const bob = getKey(keys(), "bob");
    await submit(bob, [{ type: "lrt/request_withdrawal", value: { amount: 100n * ONE } }]);
    const req = ((await c.call<any>("lrt_requests", { address: bob.address })).requests as any[])[0];
    await waitForChainTime(c, req.claimableAt, "withdrawal delay passed");
    const before = BigInt((await c.balances(bob.address)).balances.ststra);
    await submit(bob, [{ type: "lrt/claim", value: { requestId: Number(req.id) } }]);
    expect(BigInt((await c.balances(bob.address)).balances.ststra) - before).toBe(BigInt(req.ststra));
  }, 60_000);
});
