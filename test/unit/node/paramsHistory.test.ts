// Consensus params per height (node/paramsHistory.ts): a params/update in block H changes what
// blocks H + 1 on are built under; heights up to H answer the old params, later ones the new,
// also after a restart. Records are written only when the params change.
import { afterEach, describe, expect, it } from "vitest";
import { consensusParamsAt } from "#node/paramsHistory.ts";
import { getBlockParams } from "#state/params.ts";
import { testGenesisJson, testKey, tx } from "#test/fixtures/memChain.ts";
import { SoloChain } from "#test/helpers/soloChain.ts";

const alice = testKey(0); // the genesis authority
let solo: SoloChain | undefined;
afterEach(async () => {
  await solo?.close();
  solo = undefined;
});

describe("consensus params history", () => {
  it("answers each height with the params its block was built under, across an update and a restart", async () => {
    solo = await SoloChain.open(testGenesisJson(2));
    const before = getBlockParams(solo.chain.db);
    await solo.block();
    await solo.block();
    const upd = await solo.block([
      tx(alice, [{ type: "params/update", value: { module: "block", params: { maxTxs: "77" } } }], 0n),
    ]);
    expect(upd.results[0]?.code).toBe(0);
    await solo.block();
    await solo.reopen();
    const at = (h: number) => getBlockParams(consensusParamsAt(solo!.chain.db.paramsRecords(), h)!);
    for (const h of [1, 2, 3]) expect(at(h), `height ${h}`).toEqual(before);
    for (const h of [4, 5]) expect(at(h).maxTxs, `height ${h}`).toBe(77);
    expect(at(4)).toEqual(getBlockParams(solo.chain.db));
    expect(solo.chain.db.paramsRecords().map((r) => r.height)).toEqual([1, 4]);
    expect(consensusParamsAt(solo.chain.db.paramsRecords(), 0)).toBeUndefined();
  });
});
