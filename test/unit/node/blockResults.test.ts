// Block results per height (node/blockResults.ts), stored in the block's own write: a delegation
// that changes the genesis validator's power is a validator update of the block that made it
// (effective at H + 2), a params/update is a consensus_param_updates of its block, block events
// are kept, and the app hash is the one that block produced — not today's root. Read back through
// the block_results method after a restart, in v0.38's shapes (base64 bytes).
import { afterEach, describe, expect, it } from "vitest";
import { buildMethods } from "#rpc/methods.ts";
import { ONE } from "#state/denoms.ts";
import { testGenesisJson, testKey, tx } from "#test/fixtures/memChain.ts";
import { SoloChain } from "#test/helpers/soloChain.ts";

const [alice, bob] = [testKey(0), testKey(1)];
const v0 = testKey(10_000); // the genesis validator (power 10)
let solo: SoloChain | undefined;
afterEach(async () => {
  await solo?.close();
  solo = undefined;
});

type Results = {
  height: string;
  txs_results: { code: number }[];
  finalize_block_events: { type: string; attributes: { key: string; value: string }[] }[];
  validator_updates: { pub_key: { Sum: { value: { ed25519: string } } }; power: string }[];
  consensus_param_updates: { block: { max_bytes: string } } | null;
  app_hash: string;
};

describe("block results", () => {
  it("every height keeps its txs, events, validator updates, param updates and app hash", async () => {
    solo = await SoloChain.open(testGenesisJson(2, 1_000_000n * ONE, { staking: { unbondingTimeMs: "1" } }));
    const roots: string[] = [];
    const b1 = await solo.block();
    roots[1] = Buffer.from(b1.header.stateRoot).toString("base64");
    const b2 = await solo.block([
      tx(bob, [{ type: "staking/delegate", value: { validator: v0.address, amount: 5n * ONE } }], 0n),
    ]);
    roots[2] = Buffer.from(b2.header.stateRoot).toString("base64");
    const b3 = await solo.block([
      tx(alice, [{ type: "params/update", value: { module: "block", params: { maxBytes: "2000000" } } }], 0n),
      tx(bob, [{ type: "staking/undelegate", value: { validator: v0.address, amount: 1n * ONE } }], 1n),
    ]);
    roots[3] = Buffer.from(b3.header.stateRoot).toString("base64");
    const b4 = await solo.block(); // the unbonding completes: a block event
    await solo.reopen();
    const m = buildMethods({ chain: solo.chain, moniker: "t", rpcAddress: "127.0.0.1:0" });
    const at = async (h: number) => (await m.get("block_results")!({ height: String(h) })) as Results;

    const r1 = await at(1);
    expect(r1.txs_results).toEqual([]);
    expect(r1.validator_updates).toEqual([]);
    expect(r1.consensus_param_updates).toBeNull();
    expect(r1.app_hash).toBe(roots[1]);

    const r2 = await at(2);
    expect(r2.txs_results.map((t) => t.code)).toEqual([0]);
    expect(r2.validator_updates).toEqual([
      {
        pub_key: {
          Sum: {
            type: "tendermint.crypto.PublicKey_Ed25519",
            value: { ed25519: Buffer.from(v0.pubkey).toString("base64") },
          },
        },
        power: "15",
      },
    ]);
    expect(r2.consensus_param_updates).toBeNull();
    expect(r2.app_hash).toBe(roots[2]);
    expect(r2.app_hash).not.toBe(roots[1]);

    const r3 = await at(3);
    expect(r3.validator_updates.map((u) => u.power)).toEqual(["14"]);
    expect(r3.consensus_param_updates?.block.max_bytes).toBe("2000000");
    expect(r3.app_hash).toBe(roots[3]);
    // block events: what the block's own steps emitted
    const r4 = await at(4);
    expect(r4.finalize_block_events.map((e) => e.type)).toContain("complete_unbonding");
    expect(JSON.stringify(r4.finalize_block_events)).toBe(
      JSON.stringify(
        b4.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ ...a, index: true })) })),
      ),
    );
    expect(r3.finalize_block_events).toEqual([]);
    expect(r4.consensus_param_updates).toBeNull();
  });
});
