// Liquid restaking and strategies: pool math and invariants, service operators, restake →
// allocation → yield, withdrawal delay, and a slashed operator cutting the LRT rate.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemChain, testGenesisJson, testKey, tx, doubleSignAt, restakingParams } from "#test/fixtures/memChain.ts";
import { ErrorCode } from "#state/errors.ts";
import { ONE } from "#state/denoms.ts";
import { getBalance, getSupply } from "#state/modules/bank/keeper.ts";
import { lrtRate, positionStstra, tvl, LRT_ESCROW } from "#state/modules/lrt/keeper.ts";
import { getRequest } from "#state/modules/lrt/store.ts";
import { brokenInvariants } from "#state/invariants.ts";
import { redemptionRate } from "#state/modules/lst/keeper.ts";
import { getPool, getService } from "#state/modules/strategy/store.ts";
import { quoteOut } from "#state/modules/strategy/pool.ts";
import { serviceValue } from "#state/modules/strategy/service.ts";

const [alice, bob, carol] = [testKey(0), testKey(1), testKey(2)];
const v0 = testKey(10_000);
const cons = testKey(20_000);
const PARAMS = {
  lst: { epochBlocks: "3" },
  ...restakingParams({ epochBlocks: 3, withdrawalDelayMs: 5000, rewardPool: 10_000n * ONE, pool: true }),
};

const chain = (params: Record<string, unknown> = PARAMS) =>
  new MemChain(testGenesisJson(3, 1_000_000n * ONE, params)).addValidator(carol, cons);
const run = (c: MemChain, who: typeof alice, m: Parameters<typeof tx>[1]) => c.run(who, m);

describe("strategy: pool", () => {
  it("genesis seeds the pool with backed ststra; swaps respect minOut and never drain", () => {
    const c = chain();
    const p = getPool(c.store, "pool");
    expect(p.reserveStra).toBe(1000n * ONE);
    expect(p.reserveStstra).toBeGreaterThan(0n);
    const out = quoteOut(p.reserveStra, p.reserveStstra, 10n * ONE);
    expect(
      run(c, bob, [
        { type: "strategy/swap", value: { pool: "pool", denomIn: "stra", amountIn: 10n * ONE, minOut: out + 1n } },
      ]).code,
    ).toBe(ErrorCode.SlippageExceeded);
    const ok = run(c, bob, [
      { type: "strategy/swap", value: { pool: "pool", denomIn: "stra", amountIn: 10n * ONE, minOut: out } },
    ]);
    expect(ok.code, ok.log).toBe(0);
    expect(getBalance(c.store, bob.address, "ststra")).toBe(out);
    expect(
      run(c, bob, [{ type: "strategy/swap", value: { pool: "nope", denomIn: "stra", amountIn: ONE, minOut: 0n } }])
        .code,
    ).toBe(ErrorCode.UnknownStrategy);
    expect(
      run(c, bob, [{ type: "strategy/swap", value: { pool: "pool", denomIn: "rststra", amountIn: ONE, minOut: 0n } }])
        .code,
    ).toBe(ErrorCode.UnknownDenom);
  });

  it("property: x·y never decreases on a swap; output never reaches the reserve", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 31n }),
        (x, y, a) => {
          const out = quoteOut(x, y, a);
          expect(out).toBeLessThan(y);
          expect((x + a) * (y - out)).toBeGreaterThanOrEqual(x * y);
        },
      ),
    );
  });

  it("add and remove liquidity at the pool ratio", () => {
    const c = chain();
    run(c, bob, [{ type: "lst/stake", value: { amount: 50n * ONE } }]);
    const add = run(c, bob, [
      { type: "strategy/add_liquidity", value: { pool: "pool", maxStra: 20n * ONE, maxStstra: 20n * ONE } },
    ]);
    expect(add.code, add.log).toBe(0);
    const shares = BigInt(
      add.events.find((e) => e.type === "add_liquidity")!.attributes.find((a) => a.key === "shares")!.value,
    );
    expect(
      run(c, bob, [{ type: "strategy/remove_liquidity", value: { pool: "pool", shares: shares + 1n } }]).code,
    ).toBe(ErrorCode.InsufficientShares);
    expect(run(c, bob, [{ type: "strategy/remove_liquidity", value: { pool: "pool", shares } }]).code).toBe(0);
  });
});

describe("strategy: service operators", () => {
  it("only active validator operators opt in, once", () => {
    const c = chain();
    expect(run(c, bob, [{ type: "strategy/opt_in", value: { service: "avs" } }]).code).toBe(ErrorCode.NotAnOperator);
    expect(run(c, carol, [{ type: "strategy/opt_in", value: { service: "avs" } }]).code).toBe(0);
    expect(run(c, carol, [{ type: "strategy/opt_in", value: { service: "avs" } }]).code).toBe(ErrorCode.AlreadyOptedIn);
    expect(run(c, carol, [{ type: "strategy/opt_in", value: { service: "nope" } }]).code).toBe(
      ErrorCode.UnknownStrategy,
    );
    expect(run(c, carol, [{ type: "strategy/opt_out", value: { service: "avs" } }]).code).toBe(0);
  });
});

describe("lrt", () => {
  function restaked(params: Record<string, unknown> = PARAMS) {
    const c = chain(params);
    run(c, carol, [{ type: "strategy/opt_in", value: { service: "avs" } }]);
    run(c, bob, [{ type: "lst/stake", value: { amount: 200n * ONE } }]);
    const r = run(c, bob, [{ type: "lrt/restake", value: { amount: 100n * ONE } }]);
    expect(r.code, r.log).toBe(0);
    return c;
  }

  it("restake mints rststra at value; the epoch allocates to the service; yield lifts the LRT rate above the LST's", () => {
    const c = restaked();
    // minted at the LST value of 100 ststra (the rate is ≥ 1.0 and grows only at epochs)
    const minted = getBalance(c.store, bob.address, "rststra");
    expect(minted).toBeGreaterThanOrEqual(100n * ONE);
    expect(minted).toBeLessThanOrEqual((100n * ONE * redemptionRate(c.store)) / ONE);
    for (let i = 0; i < 3; i++) c.block([]);
    expect(serviceValue(c.store, "avs")).toBeGreaterThan(90n * ONE);
    const lst0 = redemptionRate(c.store);
    const lrt0 = lrtRate(c.store);
    for (let i = 0; i < 9; i++) c.block([]);
    const lstGrowth = (redemptionRate(c.store) * ONE) / lst0;
    const lrtGrowth = (lrtRate(c.store) * ONE) / lrt0;
    expect(lrtGrowth).toBeGreaterThan(lstGrowth);
    expect((lrtRate(c.store) * getSupply(c.store, "rststra")) / ONE).toBeLessThanOrEqual(tvl(c.store));
  });

  it("withdrawal: more than held fails; claims wait for the delay, owner only, once", () => {
    const c = restaked();
    for (let i = 0; i < 3; i++) c.block([]);
    const held = getBalance(c.store, bob.address, "rststra");
    expect(run(c, bob, [{ type: "lrt/request_withdrawal", value: { amount: held + 1n } }]).code).toBe(
      ErrorCode.InsufficientFunds,
    );
    const r = run(c, bob, [{ type: "lrt/request_withdrawal", value: { amount: held / 2n } }]);
    expect(r.code, r.log).toBe(0);
    expect(run(c, bob, [{ type: "lrt/claim", value: { requestId: 1 } }]).code).toBe(ErrorCode.RequestNotMature);
    expect(run(c, carol, [{ type: "lrt/claim", value: { requestId: 1 } }]).code).toBe(ErrorCode.NotRequestOwner);
    for (let i = 0; i < 5; i++) c.block([]);
    const before = getBalance(c.store, bob.address, "ststra");
    expect(run(c, bob, [{ type: "lrt/claim", value: { requestId: 1 } }]).code).toBe(0);
    expect(getBalance(c.store, bob.address, "ststra")).toBeGreaterThan(before);
    expect(run(c, bob, [{ type: "lrt/claim", value: { requestId: 1 } }]).code).toBe(ErrorCode.AlreadyClaimed);
  });

  it("a double-signing operator: the service cuts its allocation, the LRT rate falls more than the LST rate", () => {
    const c = restaked();
    for (let i = 0; i < 3; i++) c.block([]);
    const lst0 = redemptionRate(c.store);
    const lrt0 = lrtRate(c.store);
    c.block([], true, undefined, [doubleSignAt(cons.address, 5)]);
    const lstDrop = ONE - (redemptionRate(c.store) * ONE) / lst0;
    const lrtDrop = ONE - (lrtRate(c.store) * ONE) / lrt0;
    expect(lstDrop).toBeGreaterThan(0n);
    expect(lrtDrop).toBeGreaterThan(lstDrop);
  });

  it("a slash while withdrawals wait cuts them by the fraction the LRT lost, like every holder", () => {
    const c = restaked();
    for (let i = 0; i < 3; i++) c.block([]); // allocated to the service
    const held = getBalance(c.store, bob.address, "rststra");
    expect(run(c, bob, [{ type: "lrt/request_withdrawal", value: { amount: held / 4n } }]).code).toBe(0);
    const requested = getRequest(c.store, 1)!.ststra;
    const escrow0 = getBalance(c.store, LRT_ESCROW, "ststra");
    const pos0 = positionStstra(c.store);
    c.block([], true, undefined, [doubleSignAt(cons.address, 5)]);
    const pos1 = positionStstra(c.store);
    expect(pos1).toBeLessThan(pos0);
    expect(c.lastBlockEvents.some((e) => e.type === "lrt_requests_cut")).toBe(true);
    expect(getBalance(c.store, LRT_ESCROW, "ststra")).toBeLessThan(escrow0);
    for (let i = 0; i < 6; i++) c.block([]);
    const before = getBalance(c.store, bob.address, "ststra");
    expect(run(c, bob, [{ type: "lrt/claim", value: { requestId: 1 } }]).code).toBe(0);
    const paid = getBalance(c.store, bob.address, "ststra") - before;
    // kept the same fraction as the LRT's position (to rounding)
    const kept = (paid * ONE) / requested;
    const lrtKept = (pos1 * ONE) / pos0;
    expect(kept <= lrtKept && lrtKept - kept < ONE / 1_000_000n, `kept ${kept} vs ${lrtKept}`).toBe(true);
    expect(brokenInvariants(c.store)).toEqual([]);
  });

  it("the service's fault rule: a downtime jail cuts the operator's allocation by the downtime fraction; 0 ignores it", () => {
    const withRule = (fraction: bigint) => ({
      ...PARAMS,
      slashing: { signedBlocksWindow: "10", minSignedPerWindow: "500000000000000000", downtimeJailMs: "5000" },
      strategies: [{ ...PARAMS.strategies[0], downtimeSlashFraction: fraction.toString() }, PARAMS.strategies[1]],
    });
    for (const fraction of [ONE / 100n, 0n]) {
      const c = restaked(withRule(fraction));
      for (let i = 0; i < 3; i++) c.block([]); // allocated to the service, half behind carol
      const v0Signs = () => c.block([], true, [v0.address]); // carol's validator misses
      const magnitude = () =>
        getService(c.store, "avs").operators.find((o) => Buffer.compare(o.operator, carol.address) === 0)!.magnitude;
      expect(magnitude()).toBe(ONE);
      let events: typeof c.lastBlockEvents = [];
      for (let i = 0; i < 14 && !events.some((e) => e.type === "liveness"); i++) {
        v0Signs();
        events = c.lastBlockEvents;
      }
      expect(events.some((e) => e.type === "liveness")).toBe(true);
      const cut = events.find((e) => e.type === "service_slash");
      if (fraction === 0n) {
        expect(cut).toBeUndefined();
        expect(magnitude()).toBe(ONE);
      } else {
        expect(cut!.attributes.find((a) => a.key === "fault")!.value).toBe("downtime");
        expect(magnitude()).toBe(ONE - fraction);
      }
      expect(brokenInvariants(c.store)).toEqual([]);
    }
  });

  it("property: rate × supply ≤ TVL through random restakes, withdrawals and epochs", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom("restake", "withdraw", "wait"),
            amount: fc.bigInt({ min: 1n, max: 30n * ONE }),
          }),
          { maxLength: 12 },
        ),
        (ops) => {
          const c = chain();
          run(c, carol, [{ type: "strategy/opt_in", value: { service: "avs" } }]);
          run(c, bob, [{ type: "lst/stake", value: { amount: 500n * ONE } }]);
          for (const op of ops) {
            if (op.kind === "wait") c.block([]);
            else
              c.block(
                [
                  tx(
                    bob,
                    [
                      {
                        type: op.kind === "restake" ? "lrt/restake" : "lrt/request_withdrawal",
                        value: { amount: op.amount },
                      },
                    ],
                    c.nonce(bob),
                  ),
                ],
                false,
              );
            expect((lrtRate(c.store) * getSupply(c.store, "rststra")) / ONE).toBeLessThanOrEqual(tvl(c.store));
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("genesis rejects weights that do not sum to 100 % or name a non-service strategy", () => {
    const bad = (lrt: unknown) => () => new MemChain(testGenesisJson(1, ONE, { ...PARAMS, lrt }));
    expect(bad({ weights: [{ strategy: "avs", weight: "5" }] })).toThrow(/sum to 1e18/);
    expect(bad({ weights: [{ strategy: "pool", weight: ONE.toString() }] })).toThrow(/not a service strategy/);
  });
});

describe("params/update", () => {
  it("only the authority updates; weights must sum to 100 %; new strategies can be added and weighted", () => {
    const c = chain();
    const upd = (who: typeof alice, module: string, params: unknown) =>
      run(c, who, [{ type: "params/update", value: { module, params } }]);
    expect(upd(bob, "lrt", { fee: "0" }).code).toBe(ErrorCode.Unauthorized);
    expect(upd(alice, "lrt", { weights: [{ strategy: "avs", weight: "1" }] }).code).toBe(ErrorCode.InvalidParams);
    expect(upd(alice, "nope", {}).code).toBe(ErrorCode.InvalidParams);
    const add = upd(alice, "strategy", {
      add: [
        {
          id: "avs-2",
          kind: "service",
          rewardRate: (ONE / 10n).toString(),
          slashFraction: (ONE / 5n).toString(),
          rewardPool: (100n * ONE).toString(),
        },
      ],
    });
    expect(add.code, add.log).toBe(0);
    const w = upd(alice, "lrt", {
      weights: [
        { strategy: "avs", weight: (ONE / 2n).toString() },
        { strategy: "avs-2", weight: (ONE / 2n).toString() },
      ],
    });
    expect(w.code, w.log).toBe(0);
    expect(upd(alice, "lst", { epochBlocks: "0" }).log).toMatch(/params.lst.epochBlocks/);
    expect(upd(alice, "tx", { minGasPrice: "2000000000" }).code).toBe(0);
  });
});
