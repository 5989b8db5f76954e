// Every past height answers what was true then, on a real 4-validator devnet with a validator-set
// change (a delegation that changes a validator's power at H + 2). While the chain runs, node 0
// is asked for the latest height's validators, block_results, consensus_params and two app
// queries (without `height`: the answers name their height); afterwards node 0 and node 2 must
// answer each recorded height exactly as recorded. Independent checks that the record itself is
// right: one proposer step from each recorded height's priorities names the next height's
// round-0 proposer (CometBFT's priorities of H are those after H's own step),
// the commit of H is signed by members of the set of H, the block's validator_updates name the
// new power and the sets of D + 1 / D + 2 have the old / new one. Node 1 prunes (custom,
// keepRecent 6, minRetainBlocks 8): once the chain is halted it answers exactly its window and
// refuses one height below it with HeightNotRetained naming the window, and its status reports
// the earliest block it kept. CosmJS's Comet38Client reads validators, block results and status.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { getKey } from "#client/keyring.ts";
import { RpcError, type StrataClient } from "#client/rpcClient.ts";
import { decodeAddress } from "#state/crypto/address.ts";
import { ONE } from "#state/denoms.ts";
import { ErrorCode } from "#state/errors.ts";
import { submitter } from "../helpers/submit.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { waitFor } from "../helpers/proc.ts";
import { copyIncrementProposerPriority, getProposer } from "#consensus/validatorSet.ts";

type Vals = {
  block_height: string;
  validators: { address: string; voting_power: string; proposer_priority: string }[];
};
type Recorded = {
  validators: Vals;
  block_results: { height: string; validator_updates: { power: string }[] };
  consensus_params: { block_height: string };
  bank_balances: { height: string };
  staking_validators: { height: string };
};
type Kind = keyof Recorded;
const KINDS: Kind[] = ["validators", "block_results", "consensus_params", "bank_balances", "staking_validators"];

const heightOf = (k: Kind, a: Record<string, unknown>) =>
  Number(k === "validators" || k === "consensus_params" ? a.block_height : a.height);

describe("history: every retained height answers as it was", () => {
  let net: TestNet;
  let c0: StrataClient;
  const rec = new Map<Kind, Map<number, unknown>>(KINDS.map((k) => [k, new Map()]));
  let delegatedAt = 0;
  let aliceAddr = "";
  const paramsOf = (k: Kind, height?: number): Record<string, unknown> => ({
    ...(k === "bank_balances" ? { address: aliceAddr } : {}),
    ...(k === "validators" ? { per_page: "100" } : {}),
    ...(height === undefined ? {} : { height: String(height) }),
  });

  beforeAll(async () => {
    // evidence expires after 2 blocks and 1 ms, so minRetainBlocks alone decides what node 1 keeps
    net = await startTestNet(4, { evidence: { maxAgeNumBlocks: "2", maxAgeDurationMs: "1" } }, (cfg, i) => {
      if (i === 1)
        Object.assign(cfg, { pruning: "custom", pruningKeepRecent: 6, pruningInterval: 2, minRetainBlocks: 8 });
    });
    c0 = net.clients[0]!;
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
    const keys = join(net.dir, "keys");
    const alice = getKey(keys, "alice");
    const bob = getKey(keys, "bob");
    aliceAddr = alice.address;
    const submit = submitter(() => c0);

    // record, while the chain runs, what the latest height answers
    let recording = true;
    const recorder = (async () => {
      while (recording) {
        for (const k of KINDS) {
          const a = await c0.call<Record<string, unknown>>(k, paramsOf(k));
          rec.get(k)!.set(heightOf(k, a), a);
        }
        await waitFor("a new height", async () => {
          const h = Number((await c0.status()).sync_info.latest_block_height);
          return !recording || h > Math.max(...rec.get("bank_balances")!.keys()) ? true : undefined;
        });
      }
    })();
    // the validator with the least power gets a delegation big enough to change the order of powers
    const vals = (
      await c0.call<{ validators: { operator: string; tokens: string; moniker: string }[] }>("staking_validators")
    ).validators;
    const smallest = vals.reduce((a, v) => (BigInt(v.tokens) < BigInt(a.tokens) ? v : a));
    const r = await submit(alice, [
      { type: "staking/delegate", value: { validator: decodeAddress(smallest.operator), amount: 20_000n * ONE } },
    ]);
    delegatedAt = Number(r.height);
    await submit(alice, [
      { type: "bank/send", value: { to: decodeAddress(bob.address), denom: "stra", amount: 5n * ONE } },
    ]);
    await waitAllAtLeast(net, delegatedAt + 14, [0, 1, 2]);
    recording = false;
    await recorder;
  }, 240_000);

  afterAll(async () => {
    await net?.stopAll();
  });

  it("the record itself is true: proposers follow the recorded priorities, commits come from the recorded sets, the change lands at D + 2", async () => {
    const vals = rec.get("validators")! as Map<number, Vals>;
    expect(vals.size).toBeGreaterThan(10);
    let checkedProposers = 0;
    const commitAt = (h: number) =>
      c0.call<{
        signed_header: {
          header: { proposer_address: string };
          commit: { round: number; signatures: { validator_address: string; block_id_flag: number }[] };
        };
      }>("commit", { height: String(h) });
    const powersOf = (v: Vals) => JSON.stringify(v.validators.map((x) => [x.address, x.voting_power]).sort());
    for (const [h, v] of vals) {
      const { signed_header } = await commitAt(h);
      const members = new Set(v.validators.map((x) => x.address));
      for (const s of signed_header.commit.signatures)
        if (s.block_id_flag === 2) expect(members.has(s.validator_address), `commit ${h}`).toBe(true);
      // CometBFT's priorities of H are those after H's proposer step: one more step (on an
      // unchanged set) names H + 1's round-0 proposer
      const next = vals.get(h + 1);
      if (!next || powersOf(next) !== powersOf(v)) continue;
      const { signed_header: sh1 } = await commitAt(h + 1);
      if (sh1.commit.round !== 0) continue;
      const set = {
        validators: v.validators.map((x) => ({
          address: Buffer.from(x.address, "hex"),
          pubkey: new Uint8Array(32),
          power: BigInt(x.voting_power),
          priority: BigInt(x.proposer_priority),
        })),
        proposer: undefined,
        totalPower: v.validators.reduce((a, x) => a + BigInt(x.voting_power), 0n),
      };
      const p = getProposer(copyIncrementProposerPriority(set, 1))!;
      expect(sh1.header.proposer_address, `proposer of ${h + 1} from the priorities of ${h}`).toBe(
        Buffer.from(p.address).toString("hex").toUpperCase(),
      );
      checkedProposers++;
    }
    expect(checkedProposers).toBeGreaterThan(5);
    const D = delegatedAt;
    // the record may miss a height (two blocks between polls); ask the node for the three around D
    const at = async (h: number) => vals.get(h) ?? (await c0.call<Vals>("validators", { height: String(h) }));
    const [d, d1, d2] = [await at(D), await at(D + 1), await at(D + 2)];
    const pw = (v: Vals) => Object.fromEntries(v.validators.map((x) => [x.address, x.voting_power]));
    expect(pw(d1)).toEqual(pw(d));
    expect(pw(d2)).not.toEqual(pw(d1));
    const br = await c0.call<{ validator_updates: { power: string }[] }>("block_results", { height: String(D) });
    expect(br.validator_updates.length).toBe(1);
    // exactly one validator's power changed from D + 1 to D + 2, to the power the update names
    const changed = Object.keys(pw(d2)).filter((a) => pw(d2)[a] !== pw(d1)[a]);
    expect(changed.length).toBe(1);
    expect(pw(d2)[changed[0]!]).toBe(br.validator_updates[0]!.power);
  });

  it("node 0 and node 2 answer every recorded height exactly as recorded", async () => {
    for (const node of [0, 2]) {
      const c = net.clients[node]!;
      for (const k of KINDS) {
        for (const [h, want] of rec.get(k)!)
          expect(await c.call(k, paramsOf(k, h)), `node${node} ${k} at ${h}`).toEqual(want);
      }
    }
  });

  it("CosmJS Comet38Client reads the past validators and block results", async () => {
    const cl = await Comet38Client.connect(`http://127.0.0.1:${new URL(c0.url).port}`);
    const D = delegatedAt;
    const v = await cl.validators({ height: D + 2, per_page: 100 });
    expect(v.blockHeight).toBe(D + 2);
    const want = await c0.call<Vals>("validators", { height: String(D + 2) });
    expect(
      v.validators.map((x) => [
        Buffer.from(x.address).toString("hex").toUpperCase(),
        String(x.votingPower),
        String(x.proposerPriority ?? 0),
      ]),
    ).toEqual(want.validators.map((x) => [x.address, x.voting_power, x.proposer_priority]));
    const r = await cl.blockResults(D);
    expect(r.validatorUpdates.length).toBe(1);
    expect(String(r.validatorUpdates[0]!.votingPower)).toBe(
      (await c0.call<{ validator_updates: { power: string }[] }>("block_results", { height: String(D) }))
        .validator_updates[0]!.power,
    );
    cl.disconnect();
  });

  it("the pruning node answers exactly its window once the chain halts, and reports its earliest block", async () => {
    // node 0 (40 %) and node 3 stop: 50 % is left, no block can be committed
    await net.kill(0);
    await net.kill(3);
    const c1 = net.clients[1]!;
    const L = Number((await c1.status()).sync_info.latest_block_height);
    const earliest = async () =>
      (await c1.call<{ sync_info: { earliest_block_height: string } }>("status")).sync_info.earliest_block_height;
    await waitFor("node 1 pruned to its block window", async () =>
      (await earliest()) === String(L - 7) ? true : undefined,
    );
    expect(Number((await c1.status()).sync_info.latest_block_height)).toBe(L);
    // state: L - 6 .. L, as recorded by node 0 while they were the latest
    for (let h = L - 6; h <= L; h++) {
      for (const k of ["bank_balances", "staking_validators"] as const) {
        const want = rec.get(k)!.get(h);
        const got = await c1.call(k, paramsOf(k, h));
        if (want) expect(got, `${k} at ${h}`).toEqual(want);
        else expect((got as { height: string }).height).toBe(String(h));
      }
    }
    // L - 20 is below 1 when the chain halted early (a quick machine): height 1 is then the far case
    for (const h of new Set([L - 7, Math.max(1, L - 20)])) {
      const e = await c1.call("bank_balances", paramsOf("bank_balances", h)).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(RpcError);
      expect((e as RpcError).data).toMatchObject({ code: ErrorCode.HeightNotRetained });
      expect((e as RpcError).message).toContain(`heights ${L - 6} to ${L}`);
    }
    // blocks: the latest 8
    for (const k of ["validators", "block_results", "consensus_params"] as const) {
      const want = rec.get(k)!.get(L - 7);
      if (want) expect(await c1.call(k, paramsOf(k, L - 7)), k).toEqual(want);
      const e = await c1.call(k, paramsOf(k, L - 8)).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect((e as RpcError).data, k).toMatchObject({ code: ErrorCode.HeightNotRetained });
      expect((e as RpcError).message).toContain(`heights ${L - 7} to ${L}`);
    }
    const cl = await Comet38Client.connect(`http://127.0.0.1:${new URL(c1.url).port}`);
    expect((await cl.status()).syncInfo.earliestBlockHeight).toBe(L - 7);
    cl.disconnect();
  });
});
