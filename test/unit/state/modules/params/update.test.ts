// params/update for the proof-of-stake modules and block limits: only the authority, only valid
// values, the change applies from the next message on, and the queues stay in completion order.
import { describe, expect, it } from "vitest";
import { MemChain, testGenesisJson, testKey, tx } from "#test/fixtures/memChain.ts";
import { ErrorCode } from "#state/errors.ts";
import { ONE } from "#state/denoms.ts";
import { getBalance } from "#state/modules/bank/keeper.ts";
import { getParams as getStaking, getQueue } from "#state/modules/staking/store.ts";
import { getParams as getSlashing } from "#state/modules/slashing/store.ts";
import { getParams as getDistribution } from "#state/modules/distribution/store.ts";
import { getBlockParams } from "#state/params.ts";

const [alice, bob] = [testKey(0), testKey(1)]; // alice is the genesis authority
const v0 = testKey(10_000);

describe("params/update: staking, slashing, distribution, block", () => {
  const chain = () => new MemChain(testGenesisJson(2, 1_000_000n * ONE, { staking: { unbondingTimeMs: "20000" } }));
  const upd = (c: MemChain, who: typeof alice, module: string, params: unknown) =>
    c.block([tx(who, [{ type: "params/update", value: { module, params } }], c.nonce(who))])[0]!;

  it("the authority changes them; others and bad values are refused, naming the field", () => {
    const c = chain();
    expect(upd(c, bob, "staking", { maxValidators: "50" }).code).toBe(ErrorCode.Unauthorized);
    expect(upd(c, alice, "staking", { maxValidators: "0" })).toMatchObject({
      code: ErrorCode.InvalidParams,
      log: expect.stringContaining("params.staking.maxValidators"),
    });
    expect(upd(c, alice, "staking", { nope: "1" })).toMatchObject({
      code: ErrorCode.InvalidParams,
      log: expect.stringContaining("params.staking.nope"),
    });
    expect(upd(c, alice, "slashing", { signedBlocksWindow: "50" })).toMatchObject({
      code: ErrorCode.InvalidParams,
      log: expect.stringContaining("fixed at genesis"),
    });
    expect(upd(c, alice, "block", { maxBytes: "100" })).toMatchObject({
      code: ErrorCode.InvalidParams,
      log: expect.stringContaining("params.block.maxBytes"),
    });
    expect(upd(c, alice, "staking", { maxValidators: "50" }).code).toBe(0);
    expect(upd(c, alice, "slashing", { downtimeJailMs: "1234" }).code).toBe(0);
    expect(upd(c, alice, "distribution", { inflationRate: "0" }).code).toBe(0);
    expect(upd(c, alice, "block", { maxTxs: "77" }).code).toBe(0);
    expect(getStaking(c.store).maxValidators).toBe(50);
    expect(getSlashing(c.store).downtimeJailMs).toBe(1234);
    expect(getDistribution(c.store).inflationRate).toBe(0n);
    expect(getBlockParams(c.store).maxTxs).toBe(77);
  });

  it("a shorter unbonding time pays new unbondings on time, ahead of older ones", () => {
    const c = chain();
    c.block([tx(bob, [{ type: "staking/delegate", value: { validator: v0.address, amount: 10n * ONE } }], 0n)]);
    c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: v0.address, amount: 2n * ONE } }], 1n)]); // 20 s
    expect(upd(c, alice, "staking", { unbondingTimeMs: "3000" }).code).toBe(0);
    c.block([tx(bob, [{ type: "staking/undelegate", value: { validator: v0.address, amount: 3n * ONE } }], 2n)]); // 3 s
    const q = getQueue(c.store);
    expect(q.map((x) => x.completionTime)).toEqual([...q.map((x) => x.completionTime)].sort((a, b) => a - b));
    const before = getBalance(c.store, bob.address, "stra");
    for (let i = 0; i < 4; i++) c.block([]);
    expect(getBalance(c.store, bob.address, "stra") - before).toBe(3n * ONE); // the 3 s one, not held behind the 20 s one
  });
});
