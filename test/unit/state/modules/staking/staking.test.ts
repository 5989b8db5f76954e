// staking: every message's rules and the H + 2 rule for the validator set.
import { describe, expect, it } from "vitest";
import { MemChain, testGenesisJson, testKey, tx } from "../../../../fixtures/memChain.ts";
import { ErrorCode } from "../../../../../state/errors.ts";
import { ONE } from "../../../../../state/denoms.ts";
import { getValidator, getDelegationShares, getUnbonding } from "../../../../../state/modules/staking/store.ts";
import { getBalance } from "../../../../../state/modules/bank/keeper.ts";
import { getPendingValidators, getValidators } from "../../../../../state/validators.ts";
import type { AnyMsg } from "../../../../../client/tx.ts";

const [alice, bob] = [testKey(0), testKey(1)];
const genesisVal = testKey(10_000);
const consKey = testKey(20_000);

const createMsg = (over: Partial<Extract<AnyMsg, { type: "staking/create_validator" }>["value"]> = {}): AnyMsg => ({
  type: "staking/create_validator",
  value: { consensusPubkey: consKey.pubkey, moniker: "alice-val", commissionRate: ONE / 10n, maxCommissionRate: ONE / 5n, selfStake: 5n * ONE, ...over },
});
const chain = (params?: Record<string, unknown>) => new MemChain(testGenesisJson(2, 1_000_000n * ONE, params));
const inSet = (vals: { pubkey: Uint8Array }[], pk: Uint8Array) => vals.some((v) => Buffer.compare(v.pubkey, pk) === 0);

describe("staking", () => {
  it("create_validator registers a validator that enters the set decided at H and signs from H + 2", () => {
    const c = chain();
    const [r] = c.block([tx(alice, [createMsg()], 0n)]);
    expect(r.code, r.log).toBe(0);
    const v = getValidator(c.store, alice.address)!;
    expect(v.tokens).toBe(5n * ONE);
    expect(getDelegationShares(c.store, alice.address, alice.address)).toBe(5n * ONE);
    // end of H: decided (pending = S_{H+2}), not yet the next signer set
    expect(inSet(getPendingValidators(c.store), consKey.pubkey)).toBe(true);
    expect(inSet(getValidators(c.store), consKey.pubkey)).toBe(false);
    c.block([]); // H + 1
    expect(inSet(getValidators(c.store), consKey.pubkey)).toBe(true); // signs H + 2
    expect(getValidators(c.store).find((x) => Buffer.compare(x.pubkey, consKey.pubkey) === 0)!.power).toBe(5);
  });

  const bad: [string, () => AnyMsg, number][] = [
    ["commission above max", () => createMsg({ commissionRate: ONE / 2n }), ErrorCode.InvalidCommission],
    ["max commission above 1", () => createMsg({ maxCommissionRate: 2n * ONE, commissionRate: ONE }), ErrorCode.InvalidCommission],
    ["self stake below minimum", () => createMsg({ selfStake: ONE / 2n }), ErrorCode.SelfStakeTooLow],
    ["invalid consensus key", () => createMsg({ consensusPubkey: new Uint8Array(32) }), ErrorCode.BadPublicKey],
    ["consensus key already used", () => createMsg({ consensusPubkey: genesisVal.pubkey }), ErrorCode.ConsensusKeyInUse],
  ];
  for (const [name, msg, code] of bad) {
    it(`create_validator rejects ${name} (code ${code}) and creates nothing`, () => {
      const c = chain();
      const [r] = c.block([tx(alice, [msg()], 0n)]);
      expect(r.code).toBe(code);
      expect(getValidator(c.store, alice.address)).toBeUndefined();
    });
  }

  it("create_validator twice from one operator fails with ValidatorExists", () => {
    const c = chain();
    c.block([tx(alice, [createMsg()], 0n)]);
    const [r] = c.block([tx(alice, [createMsg({ consensusPubkey: testKey(20_001).pubkey })], 1n)]);
    expect(r.code).toBe(ErrorCode.ValidatorExists);
  });

  it("delegate moves power; unknown validator and dust are rejected", () => {
    const c = chain();
    const [r] = c.block([tx(bob, [{ type: "staking/delegate", value: { validator: genesisVal.address, amount: 3n * ONE } }], 0n)]);
    expect(r.code, r.log).toBe(0);
    expect(getValidator(c.store, genesisVal.address)!.tokens).toBe(13n * ONE);
    expect(getPendingValidators(c.store)[0].power).toBe(13);
    const [u] = c.block([tx(bob, [{ type: "staking/delegate", value: { validator: alice.address, amount: ONE } }], 1n)]);
    expect(u.code).toBe(ErrorCode.UnknownValidator);
  });

  it("undelegate: more than owned is rejected; an entry matures after the unbonding time and pays out", () => {
    const c = chain({ staking: { unbondingTimeMs: "3000", maxEntries: "2" } });
    c.block([tx(bob, [{ type: "staking/delegate", value: { validator: genesisVal.address, amount: 4n * ONE } }], 0n)]);
    const [tooMuch] = c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: 5n * ONE } }], 1n)]);
    expect(tooMuch.code).toBe(ErrorCode.InsufficientShares);
    const before = getBalance(c.store, bob.address, "stra");
    const [ok] = c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: ONE } }], 2n)]);
    expect(ok.code, ok.log).toBe(0);
    void before;
    expect(getUnbonding(c.store, bob.address, genesisVal.address).entries).toHaveLength(1);
    c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: ONE } }], 3n)]);
    const [third] = c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: ONE } }], 4n)]);
    expect(third.code).toBe(ErrorCode.TooManyUnbondingEntries);
    const mid = getBalance(c.store, bob.address, "stra");
    c.block([]);
    c.block([]);
    // the first entry (created 4 blocks = 4 s ago) has matured and paid 1 stra (plus rewards paid on undelegation earlier)
    expect(getBalance(c.store, bob.address, "stra")).toBeGreaterThanOrEqual(mid + ONE);
    const [none] = c.block([tx(alice, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: ONE } }], 0n)]);
    expect(none.code).toBe(ErrorCode.NoDelegation);
  });

  it("a validator whose tokens fall below 1 stra leaves the set (at H + 2)", () => {
    const c = chain();
    c.block([tx(alice, [createMsg()], 0n)]);
    c.block([]);
    expect(inSet(getValidators(c.store), consKey.pubkey)).toBe(true);
    c.block([tx(alice, [{ type: "staking/undelegate", value: { validator: alice.address, amount: 4n * ONE + ONE / 2n } }], 1n)]);
    expect(inSet(getPendingValidators(c.store), consKey.pubkey)).toBe(false);
    expect(inSet(getValidators(c.store), consKey.pubkey)).toBe(true);
    c.block([]);
    expect(inSet(getValidators(c.store), consKey.pubkey)).toBe(false);
  });
});
