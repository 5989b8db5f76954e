// Each invariant catches a deliberate corruption of raw state that the module code would never
// make (an invariant that cannot fail checks nothing), and all hold on a live chain that ran
// every layer: staking, liquid staking, restaking, a pool swap, withdrawals and epochs.
import { describe, expect, it } from "vitest";
import { MemChain, testGenesisJson, testKey, tx } from "#test/fixtures/memChain.ts";
import { brokenInvariants } from "#state/invariants.ts";
import { Overlay } from "#state/store/overlay.ts";
import { mint, send } from "#state/modules/bank/keeper.ts";
import { writeSupply, readSupply } from "#state/modules/bank/store.ts";
import { BONDED_POOL } from "#state/modules/staking/keeper.ts";
import { getValidator, setValidator, setDelegationShares, getDelegationShares } from "#state/modules/staking/store.ts";
import { DISTRIBUTION } from "#state/modules/distribution/keeper.ts";
import { LST } from "#state/modules/lst/keeper.ts";
import { getState as getLstState, setState as setLstState } from "#state/modules/lst/store.ts";
import { LRT, LRT_ESCROW } from "#state/modules/lrt/keeper.ts";
import { getState as getLrtState, setState as setLrtState } from "#state/modules/lrt/store.ts";
import { getPool, setPool, getService, setService, strategyAccount } from "#state/modules/strategy/store.ts";
import { ONE } from "#state/denoms.ts";

const [alice, bob] = [testKey(0), testKey(1)];
const v0 = testKey(10_000).address;
const PARAMS = {
  lst: { epochBlocks: "3" },
  lrt: { epochBlocks: "3", withdrawalDelayMs: "2000", weights: [{ strategy: "avs", weight: ONE.toString() }] },
  strategies: [
    {
      id: "avs",
      kind: "service",
      rewardRate: (ONE / 10n).toString(),
      slashFraction: (ONE / 10n).toString(),
      rewardPool: (1000n * ONE).toString(),
      optInGenesisValidators: true,
    },
    { id: "pool", kind: "pool", liquidityStra: (100n * ONE).toString() },
  ],
};

/** A chain where every module holds something, with a pending LRT withdrawal and LST request. */
function liveChain(): MemChain {
  const c = new MemChain(testGenesisJson(2, 1_000_000n * ONE, PARAMS));
  const run = (who: typeof alice, m: Parameters<typeof tx>[1]) => {
    const r = c.block([tx(who, m, c.nonce(who))])[0];
    expect(r.code, r.log).toBe(0);
  };
  run(bob, [{ type: "staking/delegate", value: { validator: v0, amount: 50n * ONE } }]);
  run(bob, [{ type: "lst/stake", value: { amount: 200n * ONE } }]);
  run(bob, [{ type: "lrt/restake", value: { amount: 100n * ONE } }]);
  for (let i = 0; i < 4; i++) c.block([]);
  run(bob, [{ type: "lrt/request_withdrawal", value: { amount: 10n * ONE } }]);
  run(bob, [{ type: "lst/unstake", value: { amount: 5n * ONE } }]);
  run(bob, [{ type: "strategy/swap", value: { pool: "pool", denomIn: "stra", amountIn: ONE, minOut: 0n } }]);
  run(bob, [{ type: "staking/undelegate", value: { validator: v0, amount: 5n * ONE } }]);
  return c;
}

/** Applies `f` to the chain's committed store directly: a corruption no message could make. */
function corrupt(c: MemChain, f: (o: Overlay) => void): string {
  const o = new Overlay(c.store);
  f(o);
  c.store.apply(o.changes());
  return brokenInvariants(c.store).join("\n");
}

describe("state invariants", () => {
  it("hold on a live chain with every module in use (and test nodes check them too)", () => {
    const c = liveChain();
    expect(brokenInvariants(c.store)).toEqual([]);
    expect(process.env.STRATA_CHECK_INVARIANTS).toBe("1"); // node processes started by tests inherit it
  });

  const cases: [string, (o: Overlay) => void, RegExp][] = [
    [
      "stra supply raised by 1e30",
      (o) => writeSupply(o, "stra", readSupply(o, "stra") + 10n ** 30n),
      /bank: stra supply/,
    ],
    [
      "a supply lowered without balances",
      (o) => writeSupply(o, "ststra", readSupply(o, "ststra") - 1n),
      /bank: ststra supply/,
    ],
    [
      "1M unbacked ststra minted",
      (o) => mint(o, alice.address, "ststra", 1_000_000n * ONE),
      /lst: ststra supply .* issued/,
    ],
    [
      "1M unbacked rststra minted",
      (o) => mint(o, alice.address, "rststra", 1_000_000n * ONE),
      /lrt: rststra supply .* issued/,
    ],
    [
      "5 stra taken from the bonded pool",
      (o) => send(o, BONDED_POOL, alice.address, "stra", 5n * ONE),
      /staking: bonded pool/,
    ],
    [
      "a validator's shares inflated",
      (o) => setValidator(o, { ...getValidator(o, v0)!, shares: getValidator(o, v0)!.shares + 1n }),
      /staking: validator .* shares/,
    ],
    [
      "a delegation's shares inflated",
      (o) => setDelegationShares(o, bob.address, v0, getDelegationShares(o, bob.address, v0) + ONE),
      /staking: validator .* shares/,
    ],
    [
      "stra taken from the distribution account",
      (o) => send(o, DISTRIBUTION, alice.address, "stra", 1n),
      /distribution: the account holds/,
    ],
    [
      "the LRT escrow emptied",
      (o) => send(o, LRT_ESCROW, alice.address, "ststra", getLrtState(o).escrowStstra),
      /lrt: the escrow's ststra/,
    ],
    [
      "the LRT's idle record inflated",
      (o) => setLrtState(o, { ...getLrtState(o), idleStstra: getLrtState(o).idleStstra + 1n }),
      /lrt: the LRT account's ststra/,
    ],
    ["escrow units lost", (o) => setLrtState(o, { ...getLrtState(o), escrowUnits: 0n }), /lrt: pending requests hold/],
    ["stra donated to the LRT account", (o) => send(o, alice.address, LRT, "stra", 1n), /lrt: the LRT account's stra/],
    ["ststra donated to the LST account", (o) => send(o, bob.address, LST, "ststra", 1n), /lst: holds .* ststra/],
    [
      "the LST's idle record inflated",
      (o) => setLstState(o, { ...getLstState(o), idle: getLstState(o).idle + 10n ** 24n }),
      /lst: holds .* stra \(balance/,
    ],
    [
      "a pool's reserve inflated",
      (o) => setPool(o, "pool", { ...getPool(o, "pool"), reserveStra: getPool(o, "pool").reserveStra + 1n }),
      /strategy: pool "pool"/,
    ],
    [
      "a service account drained",
      (o) => send(o, strategyAccount("avs"), alice.address, "ststra", 1n),
      /strategy: service "avs"/,
    ],
    [
      "an allocation inflated",
      (o) =>
        setService(o, "avs", {
          ...getService(o, "avs"),
          operators: getService(o, "avs").operators.map((x, i) => (i === 0 ? { ...x, alloc: x.alloc + 1n } : x)),
        }),
      /strategy: service "avs"/,
    ],
  ];
  for (const [what, f, expected] of cases) {
    it(`catch: ${what}`, () => {
      const c = liveChain();
      expect(corrupt(c, f)).toMatch(expected);
    });
  }
});
