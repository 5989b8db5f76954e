// `strata export` at the state level: a chain that staked, restaked, delegated, undelegated,
// redelegated and queued LST and LRT withdrawals is exported, a new chain is built from the file,
// and the new chain holds the same balances, supplies, validator set, rates and records, holds
// every invariant, exports to the same file again, and keeps running (epochs, maturing entries).
import { describe, expect, it } from "vitest";
import { MemChain, testGenesisJson, testKey, restakingParams } from "#test/fixtures/memChain.ts";
import { exportGenesis } from "#state/genesisExport.ts";
import { initChain, parseGenesis } from "#state/genesis.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { ONE } from "#state/denoms.ts";
import { getSupply } from "#state/modules/bank/keeper.ts";
import { redemptionRate } from "#state/modules/lst/keeper.ts";
import { lrtRate } from "#state/modules/lrt/keeper.ts";
import { getUnbonding } from "#state/modules/staking/store.ts";
import { getPendingValidators, getValidators } from "#state/validators.ts";
import { brokenInvariants } from "#state/invariants.ts";
import { MemoryStore, Overlay } from "#state/store/overlay.ts";
import type { AnyMsg } from "#client/tx.ts";

const [alice, bob, carol] = [testKey(0), testKey(1), testKey(2)];
const genesisVal = testKey(10_000);
const cons = testKey(20_000);
const PARAMS = {
  staking: { unbondingTimeMs: "20000" },
  lst: { epochBlocks: "3" },
  ...restakingParams({ epochBlocks: 3, withdrawalDelayMs: 5000, rewardPool: 10_000n * ONE, pool: true }),
};

function run(c: MemChain, who: typeof alice, msgs: AnyMsg[]): void {
  const r = c.run(who, msgs);
  expect(r.code, r.log).toBe(0);
}

/** A chain with something in every module's records. */
function busyChain(): MemChain {
  const c = new MemChain(testGenesisJson(3, 1_000_000n * ONE, PARAMS));
  run(c, carol, [
    {
      type: "staking/create_validator",
      value: {
        consensusPubkey: cons.pubkey,
        moniker: "carol",
        commissionRate: ONE / 20n,
        maxCommissionRate: ONE / 2n,
        selfStake: 20n * ONE,
      },
    },
  ]);
  c.block([]);
  run(c, alice, [{ type: "lst/stake", value: { amount: 500n * ONE } }]);
  run(c, bob, [{ type: "lst/stake", value: { amount: 300n * ONE } }]);
  run(c, bob, [{ type: "lrt/restake", value: { amount: 100n * ONE } }]);
  run(c, bob, [{ type: "staking/delegate", value: { validator: carol.address, amount: 40n * ONE } }]);
  run(c, bob, [{ type: "staking/undelegate", value: { validator: carol.address, amount: 5n * ONE } }]);
  run(c, bob, [
    { type: "staking/redelegate", value: { from: carol.address, to: genesisVal.address, amount: 5n * ONE } },
  ]);
  run(c, alice, [{ type: "lst/unstake", value: { amount: 50n * ONE } }]);
  run(c, bob, [{ type: "lrt/request_withdrawal", value: { amount: 10n * ONE } }]);
  for (let i = 0; i < 4; i++) c.block([]);
  return c;
}

/** What a user sees of a chain: every balance, the supplies, the validator set and the rates. */
function observe(s: MemoryStore) {
  const g = exportGenesis(s, { height: 0 });
  return {
    accounts: g.accounts.map((a) => ({ address: a.address, balances: a.balances })),
    supply: ["stra", "ststra", "rststra"].map((d) => getSupply(s, d)),
    validators: getValidators(s).map((v) => [Buffer.from(v.pubkey).toString("hex"), v.power]),
    lstRate: redemptionRate(s),
    lrtRate: lrtRate(s),
  };
}

function fromJson(json: unknown): MemChain {
  const c = new MemChain(JSON.parse(JSON.stringify(json)));
  c.time = Date.parse((json as { genesisTime: string }).genesisTime);
  return c;
}

describe("strata export: state → genesis → a new chain", () => {
  it("the new chain starts with the exported state, exports the same file again, and runs on", () => {
    const old = busyChain();
    const exported = exportGenesis(old.store, { height: old.height });
    expect(exported.state.height).toBe(String(old.height));
    expect(Object.keys(exported.state.records).sort()).toEqual([
      "distribution",
      "lrt",
      "lst",
      "slashing",
      "staking",
      "strategy",
    ]);
    // the set staking decided last is the new chain's first
    expect(exported.validators.map((v) => v.pubkey).sort()).toEqual(
      getPendingValidators(old.store)
        .map((v) => Buffer.from(v.pubkey).toString("hex"))
        .sort(),
    );
    expect(exported.validators).toHaveLength(2);

    const fresh = fromJson(exported);
    expect(brokenInvariants(fresh.store)).toEqual([]);
    const a = observe(old.store);
    expect(observe(fresh.store)).toEqual({
      ...a,
      validators: getPendingValidators(old.store).map((v) => [Buffer.from(v.pubkey).toString("hex"), v.power]),
    });
    expect(a.supply[1]).toBeGreaterThan(0n);
    expect(a.supply[2]).toBeGreaterThan(0n);
    // nonces travel with the accounts: the old chain's signed txs cannot be replayed
    expect(fresh.nonce(bob)).toBe(old.nonce(bob));
    // heights of the old chain are reset for a chain that starts again at height 1
    expect(getUnbonding(old.store, bob.address, carol.address).entries[0]!.creationHeight).toBeGreaterThan(0);
    expect(getUnbonding(fresh.store, bob.address, carol.address).entries.map((e) => e.creationHeight)).toEqual([0]);

    // idempotent: the new chain's height-0 state exports to the same file
    expect(exportGenesis(fresh.store, { height: old.height })).toEqual(exported);

    // and it runs: epochs, a maturing unbonding, new txs (MemChain checks every invariant per block)
    for (let i = 0; i < 6; i++) fresh.block([]);
    fresh.time += 30_000;
    fresh.block([]);
    expect(getUnbonding(fresh.store, bob.address, carol.address).entries).toEqual([]);
    run(fresh, alice, [{ type: "lst/stake", value: { amount: 10n * ONE } }]);
  });

  it("a new chain id, and edited params, are taken", () => {
    const old = busyChain();
    const exported = exportGenesis(old.store, { height: old.height, chainId: "strata-2" });
    expect(exported.chainId).toBe("strata-2");
    const g = parseGenesis(
      JSON.parse(
        JSON.stringify({
          ...exported,
          params: { ...exported.params, lst: { ...(exported.params.lst as object), epochBlocks: 7 } },
        }),
      ),
    );
    const store = new MemoryStore();
    const o = new Overlay(store);
    initChain(o, g);
    store.apply(o.changes());
    expect(exportGenesis(store, { height: 0 }).params.lst).toMatchObject({ epochBlocks: 7 });
  });

  it("stops rather than lose a record no module exports", () => {
    const c = busyChain();
    c.store.map.set(Buffer.from([0x00, 0x7f]).toString("latin1"), new Uint8Array([1]));
    expect(() => exportGenesis(c.store, { height: 1 })).toThrow(/chain key 007f has no place in the genesis file/);
    c.store.map.delete(Buffer.from([0x00, 0x7f]).toString("latin1"));
    c.store.map.set(Buffer.from([0x07, 0x7f]).toString("latin1"), new Uint8Array([1]));
    expect(() => exportGenesis(c.store, { height: 1 })).not.toThrow(); // strategy's: carried
  });

  it("refuses a file whose validators disagree with its staking records, or whose records stray from their module's prefix", () => {
    const exported = JSON.parse(JSON.stringify(exportGenesis(busyChain().store, { height: 9 })));
    const bad = (mutate: (g: any) => void, field: string) => {
      const g = structuredClone(exported);
      mutate(g);
      try {
        initChain(new Overlay(new MemoryStore()), parseGenesis(g));
      } catch (e) {
        expect(e).toBeInstanceOf(StrataError);
        expect((e as StrataError).code).toBe(ErrorCode.InvalidGenesis);
        expect((e as StrataError).message).toContain(`genesis.${field}`);
        return;
      }
      throw new Error("accepted");
    };
    bad((g) => (g.validators[0].power = String(Number(g.validators[0].power) + 1)), "validators");
    bad((g) => g.validators.pop(), "validators");
    bad((g) => (g.state.records.lst[0][0] = `06${g.state.records.lst[0][0].slice(2)}`), "state.records.lst[0]");
    bad((g) => g.state.records.lst.push(g.state.records.lst[0]), "state.records.lst[");
    bad((g) => (g.state.records.bank = []), "state.records.bank");
    bad((g) => (g.state.records.staking[0][1] = "XYZ"), "state.records.staking[0]");
  });
});
