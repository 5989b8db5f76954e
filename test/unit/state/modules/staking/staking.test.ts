// staking: every message's rules and the H + 2 rule for the validator set.
import { describe, expect, it } from "vitest";
import { MemChain, testGenesisJson, testKey, tx } from "#test/fixtures/memChain.ts";
import { ErrorCode } from "#state/errors.ts";
import { ONE } from "#state/denoms.ts";
import { getValidator, getDelegationShares, getUnbonding } from "#state/modules/staking/store.ts";
import { getBalance } from "#state/modules/bank/keeper.ts";
import { getPendingValidators, getValidators } from "#state/validators.ts";
import type { AnyMsg } from "#client/tx.ts";

const [alice, bob] = [testKey(0), testKey(1)];
const genesisVal = testKey(10_000);
const consKey = testKey(20_000);

const createMsg = (over: Partial<Extract<AnyMsg, { type: "staking/create_validator" }>["value"]> = {}): AnyMsg => ({
  type: "staking/create_validator",
  value: {
    consensusPubkey: consKey.pubkey,
    moniker: "alice-val",
    commissionRate: ONE / 10n,
    maxCommissionRate: ONE / 5n,
    selfStake: 5n * ONE,
    ...over,
  },
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
    [
      "max commission above 1",
      () => createMsg({ maxCommissionRate: 2n * ONE, commissionRate: ONE }),
      ErrorCode.InvalidCommission,
    ],
    ["self stake below minimum", () => createMsg({ selfStake: ONE / 2n }), ErrorCode.SelfStakeTooLow],
    ["invalid consensus key", () => createMsg({ consensusPubkey: new Uint8Array(32) }), ErrorCode.BadPublicKey],
    [
      "consensus key already used",
      () => createMsg({ consensusPubkey: genesisVal.pubkey }),
      ErrorCode.ConsensusKeyInUse,
    ],
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
    const [r] = c.block([
      tx(bob, [{ type: "staking/delegate", value: { validator: genesisVal.address, amount: 3n * ONE } }], 0n),
    ]);
    expect(r.code, r.log).toBe(0);
    expect(getValidator(c.store, genesisVal.address)!.tokens).toBe(13n * ONE);
    expect(getPendingValidators(c.store)[0].power).toBe(13);
    const [u] = c.block([
      tx(bob, [{ type: "staking/delegate", value: { validator: alice.address, amount: ONE } }], 1n),
    ]);
    expect(u.code).toBe(ErrorCode.UnknownValidator);
  });

  it("undelegate: more than owned is rejected; an entry matures after the unbonding time and pays out", () => {
    const c = chain({ staking: { unbondingTimeMs: "3000", maxEntries: "2" } });
    c.block([tx(bob, [{ type: "staking/delegate", value: { validator: genesisVal.address, amount: 4n * ONE } }], 0n)]);
    const [tooMuch] = c.block([
      tx(bob, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: 5n * ONE } }], 1n),
    ]);
    expect(tooMuch.code).toBe(ErrorCode.InsufficientShares);
    const before = getBalance(c.store, bob.address, "stra");
    const [ok] = c.block([
      tx(bob, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: ONE } }], 2n),
    ]);
    expect(ok.code, ok.log).toBe(0);
    void before;
    expect(getUnbonding(c.store, bob.address, genesisVal.address).entries).toHaveLength(1);
    c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: ONE } }], 3n)]);
    const [third] = c.block([
      tx(bob, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: ONE } }], 4n),
    ]);
    expect(third.code).toBe(ErrorCode.TooManyUnbondingEntries);
    const mid = getBalance(c.store, bob.address, "stra");
    c.block([]);
    c.block([]);
    // the first entry (created 4 blocks = 4 s ago) has matured and paid 1 stra (plus rewards paid on undelegation earlier)
    expect(getBalance(c.store, bob.address, "stra")).toBeGreaterThanOrEqual(mid + ONE);
    const [none] = c.block([
      tx(alice, [{ type: "staking/undelegate", value: { validator: genesisVal.address, amount: ONE } }], 0n),
    ]);
    expect(none.code).toBe(ErrorCode.NoDelegation);
  });

  it("a validator whose tokens fall below 1 stra leaves the set (at H + 2)", () => {
    const c = chain();
    c.block([tx(alice, [createMsg()], 0n)]);
    c.block([]);
    expect(inSet(getValidators(c.store), consKey.pubkey)).toBe(true);
    c.block([
      tx(alice, [{ type: "staking/undelegate", value: { validator: alice.address, amount: 4n * ONE + ONE / 2n } }], 1n),
    ]);
    expect(inSet(getPendingValidators(c.store), consKey.pubkey)).toBe(false);
    expect(inSet(getValidators(c.store), consKey.pubkey)).toBe(true);
    c.block([]);
    expect(inSet(getValidators(c.store), consKey.pubkey)).toBe(false);
  });
});

describe("staking: redelegate and edit_validator", () => {
  const P = { staking: { unbondingTimeMs: "5000", commissionChangeIntervalMs: "3000" } };
  function two() {
    const c = new MemChain(testGenesisJson(2, 1_000_000n * ONE, P));
    c.block([tx(alice, [createMsg()], 0n)]);
    c.block([tx(bob, [{ type: "staking/delegate", value: { validator: genesisVal.address, amount: 6n * ONE } }], 0n)]);
    return c;
  }

  it("redelegate moves stake and power at once; a second hop waits until the first matures", () => {
    const c = two();
    const [r] = c.block([
      tx(
        bob,
        [{ type: "staking/redelegate", value: { from: genesisVal.address, to: alice.address, amount: 2n * ONE } }],
        1n,
      ),
    ]);
    expect(r.code, r.log).toBe(0);
    expect(getValidator(c.store, genesisVal.address)!.tokens).toBe(14n * ONE);
    expect(getValidator(c.store, alice.address)!.tokens).toBe(7n * ONE);
    const [hop] = c.block([
      tx(
        bob,
        [{ type: "staking/redelegate", value: { from: alice.address, to: genesisVal.address, amount: ONE } }],
        2n,
      ),
    ]);
    expect(hop.code).toBe(ErrorCode.TransitiveRedelegation);
    for (let i = 0; i < 5; i++) c.block([]);
    const [later] = c.block([
      tx(
        bob,
        [{ type: "staking/redelegate", value: { from: alice.address, to: genesisVal.address, amount: ONE } }],
        3n,
      ),
    ]);
    expect(later.code, later.log).toBe(0);
  });

  it("redelegate rejects self, too much and unknown destinations", () => {
    const c = two();
    const r = (m: AnyMsg) => c.block([tx(bob, [m], c.nonce(bob))])[0].code;
    expect(
      r({ type: "staking/redelegate", value: { from: genesisVal.address, to: genesisVal.address, amount: ONE } }),
    ).toBe(ErrorCode.SelfRedelegation);
    expect(
      r({ type: "staking/redelegate", value: { from: genesisVal.address, to: alice.address, amount: 7n * ONE } }),
    ).toBe(ErrorCode.InsufficientShares);
    expect(
      r({ type: "staking/redelegate", value: { from: genesisVal.address, to: testKey(77).address, amount: ONE } }),
    ).toBe(ErrorCode.UnknownValidator);
  });

  it("edit_validator: commission ≤ max, by ≤ 1 point, not more often than the interval", () => {
    const c = two();
    const e = (rate: bigint, n: bigint) =>
      c.block([tx(alice, [{ type: "staking/edit_validator", value: { commissionRate: rate } }], n)])[0].code;
    expect(e(ONE / 10n + ONE / 100n, 1n)).toBe(ErrorCode.CommissionChangeTooSoon); // created 2 s ago
    c.block([]);
    expect(e(ONE / 10n + ONE / 50n, 2n)).toBe(ErrorCode.InvalidCommission); // +2 points
    expect(e(ONE / 10n + ONE / 100n, 3n)).toBe(0);
    expect(getValidator(c.store, alice.address)!.commissionRate).toBe(ONE / 10n + ONE / 100n);
    const [m] = c.block([tx(alice, [{ type: "staking/edit_validator", value: { moniker: "renamed" } }], 4n)]);
    expect(m.code).toBe(0);
    expect(Buffer.from(getValidator(c.store, alice.address)!.moniker).toString()).toBe("renamed");
  });
});
