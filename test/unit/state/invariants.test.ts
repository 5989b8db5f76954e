import { describe, expect, it } from "vitest";
import { MemChain, testKey, tx } from "../../fixtures/memChain.ts";
import { brokenInvariants } from "../../../state/invariants.ts";
import { Overlay } from "../../../state/store/overlay.ts";
import { send } from "../../../state/modules/bank/keeper.ts";
import { BONDED_POOL } from "../../../state/modules/staking/keeper.ts";
import { ONE } from "../../../state/denoms.ts";

describe("state invariants", () => {
  it("hold on a live chain and catch a pool that does not match staking", () => {
    const c = new MemChain();
    c.block([tx(testKey(1), [{ type: "staking/delegate", value: { validator: testKey(10_000).address, amount: 5n * ONE } }], 0n)]);
    c.block([]);
    expect(brokenInvariants(c.store)).toEqual([]);
    expect(process.env.STRATA_CHECK_INVARIANTS).toBe("1"); // node processes started by tests inherit it
    const o = new Overlay(c.store);
    send(o, testKey(0).address, BONDED_POOL, "stra", 1n);
    c.store.apply(o.changes());
    expect(brokenInvariants(c.store).join()).toMatch(/bonded pool/);
  });
});
