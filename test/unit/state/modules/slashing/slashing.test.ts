// slashing: downtime over the signed-blocks window, verified double signs (slash 5 %, jail,
// tombstone, unbondings and redelegations after the infraction), unjail rules.
import { describe, expect, it } from "vitest";
import { MemChain, testGenesisJson, testKey, tx, doubleSignAt } from "#test/fixtures/memChain.ts";
import { ErrorCode } from "#state/errors.ts";
import { ONE } from "#state/denoms.ts";
import {
  getValidator,
  getUnbonding,
  getDelegationShares,
  getValidatorOperators,
  getRedelegationQueue,
  getRedelegationsInto,
} from "#state/modules/staking/store.ts";
import { tokensFromShares } from "#state/modules/staking/keeper.ts";
import { brokenInvariants } from "#state/invariants.ts";
import { getPendingValidators } from "#state/validators.ts";

const [alice, bob] = [testKey(0), testKey(1)];
const v0 = testKey(10_000);
const cons = testKey(20_000);
const PARAMS = {
  slashing: { signedBlocksWindow: "10", minSignedPerWindow: "500000000000000000", downtimeJailMs: "5000" },
  staking: { unbondingTimeMs: "100000" },
};

const withAlice = () =>
  new MemChain(testGenesisJson(2, 1_000_000n * ONE, PARAMS)).addValidator(alice, cons, {
    moniker: "a",
    maxCommissionRate: ONE / 5n,
    selfStake: 30n * ONE,
  });
const inPending = (c: MemChain) =>
  getPendingValidators(c.store).some((v) => Buffer.compare(v.pubkey, cons.pubkey) === 0);

const doubleSign = (height: number) => doubleSignAt(cons.address, height);

describe("slashing", () => {
  it("a validator that misses more than half of the window is slashed for downtime and jailed; unjail after the jail time", () => {
    const c = withAlice();
    const tokens = getValidator(c.store, alice.address)!.tokens;
    for (let i = 0; i < 14 && !getValidator(c.store, alice.address)!.jailed; i++) c.block([], true, [v0.address]);
    const v = getValidator(c.store, alice.address)!;
    expect(v.jailed).toBe(true);
    expect(v.tombstoned).toBe(false);
    expect(v.tokens).toBe(tokens - (tokens + 9_999n) / 10_000n); // 0.01 %, rounded against the offender
    expect(inPending(c)).toBe(false);
    const [early] = c.block([tx(alice, [{ type: "slashing/unjail", value: {} }], 1n)]);
    expect(early.code).toBe(ErrorCode.JailPeriodNotOver);
    for (let i = 0; i < 5; i++) c.block([]);
    const [ok] = c.block([tx(alice, [{ type: "slashing/unjail", value: {} }], 2n)]);
    expect(ok.code, ok.log).toBe(0);
    expect(inPending(c)).toBe(true);
  });

  it("unjail of a validator that is not jailed is rejected", () => {
    const c = withAlice();
    const [r] = c.block([tx(alice, [{ type: "slashing/unjail", value: {} }], 1n)]);
    expect(r.code).toBe(ErrorCode.ValidatorNotJailed);
  });

  it("double-sign evidence slashes 5 %, jails and tombstones, and cuts unbondings begun after the infraction", () => {
    const c = withAlice();
    c.block([tx(bob, [{ type: "staking/delegate", value: { validator: alice.address, amount: 10n * ONE } }], 0n)]);
    c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: alice.address, amount: 4n * ONE } }], 1n)]);
    const ubHeight = c.height;
    const tokens = getValidator(c.store, alice.address)!.tokens;
    c.block([], true, undefined, [doubleSign(ubHeight - 1)]);
    const v = getValidator(c.store, alice.address)!;
    expect(v.tokens).toBe(tokens - tokens / 20n);
    expect(v.jailed && v.tombstoned).toBe(true);
    expect(inPending(c)).toBe(false);
    expect(getUnbonding(c.store, bob.address, alice.address).entries[0].balance).toBe(4n * ONE - (4n * ONE) / 20n);
    const [u] = c.block([tx(alice, [{ type: "slashing/unjail", value: {} }], 1n)]);
    expect(u.code).toBe(ErrorCode.ValidatorTombstoned);
    const [d] = c.block([
      tx(bob, [{ type: "staking/delegate", value: { validator: alice.address, amount: ONE } }], 2n),
    ]);
    expect(d.code).toBe(ErrorCode.ValidatorTombstoned);
    // the same evidence again is skipped (already tombstoned)
    c.block([], true, undefined, [doubleSign(ubHeight - 1)]);
    expect(getValidator(c.store, alice.address)!.tokens).toBe(v.tokens);
    expect(c.lastBlockEvents.some((e) => e.type === "evidence_rejected")).toBe(true);
  });

  it("several unbonding entries with the same validator are each cut once", () => {
    const c = withAlice();
    c.block([tx(bob, [{ type: "staking/delegate", value: { validator: alice.address, amount: 10n * ONE } }], 0n)]);
    c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: alice.address, amount: 4n * ONE } }], 1n)]);
    const h = c.height;
    c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: alice.address, amount: 2n * ONE } }], 2n)]);
    c.block([], true, undefined, [doubleSign(h - 1)]);
    expect(getUnbonding(c.store, bob.address, alice.address).entries.map((e) => e.balance)).toEqual([
      4n * ONE - (4n * ONE) / 20n,
      2n * ONE - (2n * ONE) / 20n,
    ]);
    expect(brokenInvariants(c.store)).toEqual([]);
  });

  it("misbehaviour by an address that belongs to no validator changes nothing", () => {
    const c = withAlice();
    const tokens = getValidator(c.store, alice.address)!.tokens;
    c.block([], true, undefined, [doubleSignAt(bob.address, c.height)]);
    expect(getValidator(c.store, alice.address)!.tokens).toBe(tokens);
    expect(c.lastBlockEvents.some((e) => e.type === "evidence_rejected")).toBe(true);
  });

  describe("redelegations away from a double signer", () => {
    // bob delegates 10 stra to alice, then moves 4 to the genesis validator at height `rd`
    function redelegated() {
      const c = withAlice();
      const other = getValidatorOperators(c.store).find((op) => Buffer.compare(op, alice.address) !== 0)!;
      c.block([tx(bob, [{ type: "staking/delegate", value: { validator: alice.address, amount: 10n * ONE } }], 0n)]);
      const [r] = c.block([
        tx(bob, [{ type: "staking/redelegate", value: { from: alice.address, to: other, amount: 4n * ONE } }], 1n),
      ]);
      expect(r.code, r.log).toBe(0);
      const stake = () =>
        tokensFromShares(getValidator(c.store, other)!, getDelegationShares(c.store, bob.address, other));
      return { c, other, rd: c.height, stake };
    }

    it("stake moved at or after the infraction height is cut 5 % at its destination and burned", () => {
      const { c, other, rd, stake } = redelegated();
      const before = stake();
      const otherTokens = getValidator(c.store, other)!.tokens;
      c.block([], true, undefined, [doubleSign(rd - 1)]);
      const cut = (4n * ONE) / 20n;
      expect(before - stake()).toBeGreaterThanOrEqual(cut);
      expect(before - stake()).toBeLessThanOrEqual(cut + 1n);
      expect(otherTokens - getValidator(c.store, other)!.tokens).toBe(before - stake());
      expect(c.lastBlockEvents.some((e) => e.type === "slash_redelegation")).toBe(true);
      expect(brokenInvariants(c.store)).toEqual([]);
    });

    it("stake moved before the infraction is not cut", () => {
      const { c, rd, stake } = redelegated();
      c.block([]);
      c.block([]);
      const before = stake();
      c.block([], true, undefined, [doubleSign(rd + 1)]);
      expect(stake()).toBe(before);
      expect(getValidator(c.store, alice.address)!.tombstoned).toBe(true);
      expect(brokenInvariants(c.store)).toEqual([]);
    });

    it("matured redelegations leave the queue and their records", () => {
      const { c, other } = redelegated();
      expect(getRedelegationQueue(c.store)).toHaveLength(1);
      for (let i = 0; i < 101; i++) c.block([]); // unbonding time 100 s, 1 s per block
      expect(getRedelegationQueue(c.store)).toHaveLength(0);
      expect(getRedelegationsInto(c.store, bob.address, other)).toHaveLength(0);
    });
  });
});
