// Liquid staking on a real 4-validator devnet: stake via RPC, the rate grows over epochs,
// ststra moves with bank/send, unstake and claim after unbonding, and the rate drops when a
// pooled validator is slashed (double sign), which also trips the circuit breaker.
import { doubleSignUntil, validatorSeed, type DoubleSigner } from "../helpers/doubleSign.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { getKey } from "#client/keyring.ts";
import { signTx } from "#client/tx.ts";
import { StrataClient } from "#client/rpcClient.ts";
import { addressFromPubkey, decodeAddress, encodeAddress } from "#state/crypto/address.ts";
import { publicKeyFromSeed } from "#state/crypto/ed25519.ts";
import { ONE } from "#state/denoms.ts";
import { waitFor } from "../helpers/proc.ts";
import { waitForChainTime } from "../helpers/chainTime.ts";
import { submitter, TEST_FEE as FEE } from "../helpers/submit.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";

describe("liquid staking on a 4-validator devnet", () => {
  let net: TestNet;
  let c: StrataClient;
  let harness: DoubleSigner | undefined;
  const keys = () => join(net.dir, "keys");

  const submit = submitter(() => c);

  const lst = () => c.call<any>("lst_state");

  beforeAll(async () => {
    net = await startTestNet(4, { unbondingTimeMs: 3000 });
    c = net.clients[0];
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
    await net?.stopAll();
  });

  it("stake via RPC mints ststra; the rate grows over epochs; ststra is transferable", async () => {
    const bob = getKey(keys(), "bob");
    const alice = getKey(keys(), "alice");
    await submit(bob, [{ type: "lst/stake", value: { amount: 1000n * ONE } }]);
    // minted at the rate that counts the rewards accrued since the last epoch: a little under 1:1
    const minted = BigInt((await c.balances(bob.address)).balances.ststra);
    expect(minted).toBeLessThanOrEqual(1000n * ONE);
    expect(minted).toBeGreaterThan(999n * ONE);
    const s0 = await lst();
    expect((s0.perValidator as any[]).length).toBe(4); // spread over the 4 validators
    // rewards booked since the stake already count; an epoch then compounds them into the rate
    await waitFor(
      "an epoch raised the rate",
      async () => {
        const s = await lst();
        return Number(s.epoch) > Number(s0.epoch) &&
          BigInt(s.rate) > BigInt(s0.rate) &&
          BigInt(s.history.at(-1).rate) > ONE
          ? true
          : undefined;
      },
      60_000,
    );
    const s1 = await lst();
    expect(BigInt(s1.rate)).toBeGreaterThan(BigInt(s0.rate));
    expect(Number(s1.epoch)).toBeGreaterThan(Number(s0.epoch));
    await submit(bob, [
      { type: "bank/send", value: { to: decodeAddress(alice.address), denom: "ststra", amount: 10n * ONE } },
    ]);
    expect(BigInt((await c.balances(alice.address)).balances.ststra)).toBeGreaterThanOrEqual(10n * ONE);
  }, 90_000);

  it("unstake, then claim stra after the unbonding time", async () => {
    const bob = getKey(keys(), "bob");
    await submit(bob, [{ type: "lst/unstake", value: { amount: 100n * ONE } }]);
    const reqs = (await c.call<any>("lst_requests", { address: bob.address })).requests as any[];
    expect(reqs).toHaveLength(1);
    // the statuses docs/lst.md names, in order: queued (its epoch runs), unbonding, claimable, claimed
    const status = async () => ((await c.call<any>("lst_requests", { address: bob.address })).requests as any[])[0];
    expect(["queued", "unbonding"]).toContain(reqs[0].status);
    // claimableAt is known once the request's epoch has ended and its batch unbonds
    const claimableAt = await waitFor(
      "request unbonding",
      async () => (await status()).claimableAt ?? undefined,
      60_000,
    );
    await waitForChainTime(c, claimableAt, "request matured");
    expect((await status()).status).toBe("claimable"); // was: still "unbonding" once matured
    const before = BigInt((await c.balances(bob.address)).balances.stra);
    await submit(bob, [{ type: "lst/claim", value: { requestId: Number(reqs[0].id) } }]);
    const after = BigInt((await c.balances(bob.address)).balances.stra);
    expect(after + FEE - before).toBe(BigInt(reqs[0].amount));
    expect((await status()).status).toBe("claimed");
    expect(BigInt(reqs[0].amount)).toBeGreaterThan(100n * ONE); // the rate had grown above 1.0
  }, 90_000);

  it("a double-signing pooled validator is slashed: the rate drops for every holder and the breaker halts staking", async () => {
    const seed = validatorSeed(net.homes[1]!);
    const cons = addressFromPubkey(publicKeyFromSeed(seed));
    const before = BigInt((await lst()).rate);
    const op = encodeAddress(cons);
    harness = await doubleSignUntil(
      net,
      1,
      3,
      "validator tombstoned",
      async () =>
        ((await c.call<any>("staking_validators")).validators as any[]).find((x) => x.operator === op).tombstoned ===
        true,
    );
    expect(BigInt((await lst()).rate)).toBeLessThan(before);
    await waitFor("breaker halts", async () => ((await lst()).halted ? true : undefined), 60_000);
    const bob = getKey(keys(), "bob");
    const n = BigInt((await c.balances(bob.address)).nonce);
    const t = signTx(bob.seed, {
      chainId: "strata-devnet",
      nonce: n,
      fee: FEE,
      msgs: [{ type: "lst/stake", value: { amount: ONE } }],
    });
    await c.broadcastTxSync(t.bytes);
    expect((await c.waitForTx(t.hash)).tx_result.log).toMatch(/halted/);
  }, 120_000);
});
