// distribution: rewards pro rata to power with commission, F1 withdrawals, and the invariants
// under random delegate/undelegate/withdraw sequences.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemChain, testGenesisJson, testKey, tx } from "#test/fixtures/memChain.ts";
import { ONE } from "#state/denoms.ts";
import { getBalance, getSupply } from "#state/modules/bank/keeper.ts";
import { pendingRewards, DISTRIBUTION, COMMUNITY_POOL } from "#state/modules/distribution/keeper.ts";
import { getCommission, getOutstanding, historicalKey } from "#state/modules/distribution/store.ts";
import { keyToString } from "#state/store/types.ts";
import { BONDED_POOL, NOT_BONDED_POOL } from "#state/modules/staking/keeper.ts";
import { getQueue, getUnbonding, getValidator, getValidatorOperators } from "#state/modules/staking/store.ts";
import { ValidatorStatus } from "#state/modules/staking/types.ts";
import { FEE_COLLECTOR } from "#state/moduleAccounts.ts";

const [alice, bob, carol] = [testKey(0), testKey(1), testKey(2)];
const v0 = testKey(10_000);

// a long year of inflation per block so rewards are visible: 1 s blocks on a 1e24 supply
const twoValidators = () =>
  new MemChain(testGenesisJson(3, 1_000_000n * ONE)).addValidator(alice, testKey(20_000), {
    moniker: "a",
    maxCommissionRate: ONE / 5n,
    selfStake: 30n * ONE,
  });

describe("distribution", () => {
  it("keeps only the historical periods something still reads (reference counting)", () => {
    const c = twoValidators();
    const kept = () => {
      const prefix = keyToString(historicalKey(alice.address, 0)).slice(0, -8);
      return [...c.store.map.keys()].filter((k) => k.startsWith(prefix)).length;
    };
    c.block([tx(bob, [{ type: "staking/delegate", value: { validator: alice.address, amount: 5n * ONE } }], 0n)]);
    for (let i = 1; i <= 30; i++) {
      const [r] = c.block([
        tx(bob, [{ type: "distribution/withdraw_rewards", value: { validator: alice.address } }], BigInt(i)),
      ]);
      expect(r.code, r.log).toBe(0);
    }
    // 31 delegation changes closed 31+ periods; alive: the current period's predecessor, alice's
    // self-delegation start, bob's start (the last two may coincide)
    expect(kept()).toBeLessThanOrEqual(3);
    expect(pendingRewards(c.store, bob.address, alice.address)).toBeGreaterThanOrEqual(0n);
  });

  it("splits rewards among signers pro rata to power; commission goes to the operator", () => {
    const c = twoValidators();
    const r0a = pendingRewards(c.store, v0.address, v0.address);
    const r1a = pendingRewards(c.store, alice.address, alice.address);
    for (let i = 0; i < 5; i++) c.block([]);
    const d0 = pendingRewards(c.store, v0.address, v0.address) - r0a;
    const d1 = pendingRewards(c.store, alice.address, alice.address) - r1a;
    expect(d0).toBeGreaterThan(0n);
    // v0: power 10, 10 % commission → 9 parts; alice: power 30, 0 % → 30 parts
    expect(Number((d1 * 1000n) / d0) / 1000).toBeCloseTo(30 / 9, 2);
    expect(getCommission(c.store, v0.address)).toBeGreaterThan(0n);
    expect(getCommission(c.store, alice.address)).toBe(0n);
  });

  it("a validator that did not sign gets nothing for that block", () => {
    const c = twoValidators();
    const before = pendingRewards(c.store, alice.address, alice.address);
    c.block([], true, [v0.address]); // only v0 signed
    expect(pendingRewards(c.store, alice.address, alice.address)).toBe(before);
  });

  it("withdraw_rewards pays exactly the pending amount; a second withdraw in the same block pays nothing more", () => {
    const c = twoValidators();
    for (let i = 0; i < 3; i++) c.block([]);
    c.block([tx(bob, [{ type: "staking/delegate", value: { validator: alice.address, amount: 10n * ONE } }], 0n)]);
    for (let i = 0; i < 3; i++) c.block([]);
    const pending = pendingRewards(c.store, bob.address, alice.address);
    expect(pending).toBeGreaterThan(0n);
    const bal = getBalance(c.store, bob.address, "stra");
    const [r] = c.block([
      tx(
        bob,
        [
          { type: "distribution/withdraw_rewards", value: { validator: alice.address } },
          { type: "distribution/withdraw_rewards", value: { validator: alice.address } },
        ],
        1n,
      ),
    ]);
    expect(r.code, r.log).toBe(0);
    const paid = r.events
      .filter((e) => e.type === "withdraw_rewards")
      .map((e) => BigInt(e.attributes.find((a) => a.key === "amount")!.value.replace("stra", "")));
    // the first withdrawal includes this block's allocation, the second finds nothing new
    expect(paid[0]).toBeGreaterThanOrEqual(pending);
    expect(paid.length).toBe(1);
    expect(getBalance(c.store, bob.address, "stra")).toBe(bal + paid[0] - 300_000n * 1_000_000_000n);
  });

  it("withdraw_commission pays the operator and only the operator", () => {
    const c = twoValidators();
    for (let i = 0; i < 3; i++) c.block([]);
    const [bad] = c.block([
      tx(bob, [{ type: "distribution/withdraw_commission", value: { validator: v0.address } }], 0n),
    ]);
    expect(bad.code).not.toBe(0);
  });

  it("invariants hold for random delegate / undelegate / withdraw sequences", () => {
    const actors = [alice, bob, carol];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            who: fc.nat(2),
            kind: fc.constantFrom("delegate", "undelegate", "withdraw"),
            val: fc.nat(1),
            amount: fc.bigInt({ min: 1n, max: 20n * ONE }),
            signers: fc.constantFrom("all", "v0", "none"),
          }),
          { maxLength: 25 },
        ),
        (ops) => {
          const c = twoValidators();
          const vals = [v0.address, alice.address];
          const nonces = actors.map((a) => c.nonce(a));
          for (const op of ops) {
            const a = actors[op.who];
            const m =
              op.kind === "withdraw"
                ? { type: "distribution/withdraw_rewards" as const, value: { validator: vals[op.val] } }
                : {
                    type: `staking/${op.kind}` as "staking/delegate",
                    value: { validator: vals[op.val], amount: op.amount },
                  };
            const signers = op.signers === "all" ? undefined : op.signers === "v0" ? [v0.address] : [];
            c.block([tx(a, [m], nonces[op.who])], false, signers);
            nonces[op.who] = c.nonce(a);
          }
          // 1. supply = every balance (accounts and module accounts)
          let sum = 0n;
          for (const x of [
            FEE_COLLECTOR,
            BONDED_POOL,
            NOT_BONDED_POOL,
            DISTRIBUTION,
            COMMUNITY_POOL,
            v0.address,
            ...actors.map((k) => k.address),
          ])
            sum += getBalance(c.store, x, "stra");
          expect(sum).toBe(getSupply(c.store, "stra"));
          // 2. bonded pool = Σ tokens of bonded validators; not-bonded = unbonded tokens + unbonding balances
          const all = getValidatorOperators(c.store).map((op) => getValidator(c.store, op)!);
          const bonded = all.filter((v) => v.status === ValidatorStatus.Bonded).reduce((s, v) => s + v.tokens, 0n);
          const unbondedTokens = all
            .filter((v) => v.status !== ValidatorStatus.Bonded)
            .reduce((s, v) => s + v.tokens, 0n);
          let unbonding = 0n;
          for (const k of [...actors, v0])
            for (const op of vals) for (const e of getUnbonding(c.store, k.address, op).entries) unbonding += e.balance;
          expect(getBalance(c.store, BONDED_POOL, "stra")).toBe(bonded);
          expect(getBalance(c.store, NOT_BONDED_POOL, "stra")).toBe(unbondedTokens + unbonding);
          expect(getQueue(c.store).length).toBeGreaterThanOrEqual(0);
          // 3. no one can be owed more than the distribution account holds
          let owed = 0n;
          for (const op of vals) owed += getOutstanding(c.store, op);
          expect(getBalance(c.store, DISTRIBUTION, "stra")).toBeGreaterThanOrEqual(owed);
          let pending = 0n;
          for (const k of [...actors, v0]) for (const op of vals) pending += pendingRewards(c.store, k.address, op);
          let commission = 0n;
          for (const op of vals) commission += getCommission(c.store, op);
          expect(pending + commission).toBeLessThanOrEqual(owed);
        },
      ),
      { numRuns: 40 },
    );
  });
});
