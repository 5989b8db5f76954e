// Versioned state and pruning on a real LevelDB, read through the RPC methods: while a chain
// runs, record what bank_balances, abci_query (app path and /store) and the block methods answer
// at each height; afterwards every height inside the configured window must answer exactly that,
// every height outside it must be refused with HeightNotRetained naming the window (even where
// data was not yet deleted), the pruned entries must really be gone from disk, and all of it
// must hold again after a restart (the integrity check accepts a chain whose block 1 is gone).
import { afterEach, describe, expect, it } from "vitest";
import { Level } from "level";
import { buildMethods } from "#rpc/methods.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { ChainKey } from "#state/keys.ts";
import { ONE } from "#state/denoms.ts";
import { resolvePruning, type PruningOptions } from "#node/pruning.ts";
import { send, testGenesisJson, testKey } from "#test/fixtures/memChain.ts";
import { SoloChain } from "#test/helpers/soloChain.ts";
import type { Method } from "#rpc/jsonrpc.ts";
import { sha256 } from "#state/crypto/hash.ts";

const [alice, bob] = [testKey(0), testKey(1)];
let solo: SoloChain | undefined;
afterEach(async () => {
  await solo?.close();
  solo = undefined;
});

type Seen = { balances: unknown; abciApp: unknown; store: unknown; block: unknown; validators: unknown };

const hexJson = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("hex");
const txHashes = new Map<number, string>();
const storeKey = Buffer.from(ChainKey.lastBlockTime).toString("hex"); // changes every block

async function observe(m: Map<string, Method>, h?: number): Promise<Seen> {
  const height = h === undefined ? {} : { height: String(h) };
  const call = (name: string, p: Record<string, unknown>) => m.get(name)!(p);
  const abciApp = (
    (await call("abci_query", { path: "/bank/balances", data: hexJson({ address: bob.bech32 }), ...height })) as {
      response: unknown;
    }
  ).response;
  const store = ((await call("abci_query", { path: "/store", data: storeKey, ...height })) as { response: unknown })
    .response;
  return {
    balances: await call("bank_balances", { address: bob.bech32, ...height }),
    abciApp,
    store,
    block: await call("block", height),
    validators: await call("validators", height),
  };
}

/** The StrataError a call ends with (thrown at once or rejected). */
async function refusal(call: () => unknown): Promise<StrataError> {
  try {
    await call();
  } catch (e) {
    if (e instanceof StrataError) return e;
    throw e;
  }
  throw new Error("answered");
}

/** Runs `n` blocks, each with a transfer to bob, recording what each height answered at its time. */
/** evidence older than 2 blocks and 1 ms has expired: only minRetainBlocks decides what blocks stay */
const SHORT_EVIDENCE = { evidence: { maxAgeNumBlocks: "2", maxAgeDurationMs: "1" } };

async function runChain(opts: PruningOptions, n: number, params: Record<string, unknown> = SHORT_EVIDENCE) {
  solo = await SoloChain.open(testGenesisJson(2, 1_000_000n * ONE, params), { pruning: opts });
  const seen = new Map<number, Seen>();
  for (let i = 1; i <= n; i++) {
    const t = send(alice, bob.address, BigInt(i) * ONE, BigInt(i - 1));
    await solo.block([t]);
    txHashes.set(solo.chain.height, Buffer.from(sha256(t)).toString("hex"));
    seen.set(solo.chain.height, await observe(buildMethods({ chain: solo.chain, moniker: "t", rpcAddress: "x" })));
  }
  await solo.chain.db.pruned();
  return seen;
}

describe("versioned state and pruning", () => {
  it("custom: exactly the last keepRecent heights answer as they did; older ones are refused naming the window, and are gone from disk", async () => {
    const opts = resolvePruning({ pruning: "custom", keepRecent: 4, interval: 3, minRetainBlocks: 6 });
    const seen = await runChain(opts, 20);
    for (let round = 0; round < 2; round++) {
      const m = buildMethods({ chain: solo!.chain, moniker: "t", rpcAddress: "x" });
      for (let h = 16; h <= 20; h++) {
        const now = await observe(m, h);
        expect(now.balances, `height ${h}`).toEqual(seen.get(h)!.balances);
        expect(now.abciApp, `height ${h}`).toEqual(seen.get(h)!.abciApp);
        expect(now.store, `height ${h}`).toEqual(seen.get(h)!.store);
      }
      // balances differ from height to height, so an answer from the wrong height cannot pass
      expect(new Set([16, 17, 18, 19, 20].map((h) => JSON.stringify(seen.get(h)!.balances))).size).toBe(5);
      // 14 and 15 were not deleted yet (the last prune ran at 18), still refused: the window is the setting
      for (const h of [15, 14, 3, 1]) {
        const e = await refusal(() => m.get("bank_balances")!({ address: bob.bech32, height: String(h) }));
        expect(e.code, `height ${h}`).toBe(ErrorCode.HeightNotRetained);
        expect(e.message).toContain("heights 16 to 20");
        expect(e.message).toContain('pruning "custom", keepRecent 4');
        expect(
          (await refusal(() => m.get("abci_query")!({ path: "/store", data: storeKey, height: String(h) }))).code,
        ).toBe(ErrorCode.HeightNotRetained);
      }
      // the future is not a window question
      expect((await refusal(() => m.get("bank_balances")!({ address: bob.bech32, height: "21" }))).code).toBe(
        ErrorCode.BlockNotFound,
      );
      // proofs: the latest height only
      expect(
        (await refusal(() => m.get("abci_query")!({ path: "/store", data: storeKey, height: "18", prove: true }))).code,
      ).toBe(ErrorCode.ProofNotAvailable);
      // blocks: the latest 6 (15..20)
      const status = (await m.get("status")!({})) as { sync_info: { earliest_block_height: string } };
      expect(status.sync_info.earliest_block_height).toBe("15");
      for (let h = 15; h <= 20; h++) {
        const now = await observe(m, Math.max(h, 16));
        expect(now.block).toEqual(seen.get(Math.max(h, 16))!.block);
        expect(await m.get("validators")!({ height: String(h) })).toEqual(seen.get(h)!.validators);
        expect(await m.get("block")!({ height: String(h) })).toEqual(seen.get(h)!.block);
      }
      for (const name of ["block", "validators", "block_results", "commit", "header"]) {
        const e = await refusal(() => m.get(name)!({ height: "14" }));
        expect(e.code, name).toBe(ErrorCode.HeightNotRetained);
        expect(e.message).toContain("heights 15 to 20");
      }
      // a tx of a kept block is found; one of a deleted block is not
      expect(await m.get("tx")!({ hash: txHashes.get(15)! })).toMatchObject({ height: "15" });
      expect((await refusal(() => m.get("tx")!({ hash: txHashes.get(14)! }))).code).toBe(ErrorCode.TxNotFound);
      if (round === 0) await solo!.reopen();
    }
    // on disk: no history entry of a height the window no longer needs, no block below 15
    await solo!.chain.close();
    const db = new Level<Uint8Array, Uint8Array>(solo!.dir, { keyEncoding: "view", valueEncoding: "view" });
    const sub = (n: string) => db.sublevel<Uint8Array, Uint8Array>(n, { keyEncoding: "view", valueEncoding: "view" });
    const heightOf = (k: Uint8Array) => Number(Buffer.from(k.subarray(k.length - 8)).readBigUInt64BE());
    const histHeights: number[] = [];
    for await (const k of sub("state-hist").keys()) histHeights.push(heightOf(k));
    // an entry written at C serves heights below C; the prunes (every 3 heights, off the commit
    // path, so the last one ran at 18 or later: window from 14 or more) deleted every C ≤ 14; the
    // entries the window 16..20 needs (C = 17..20) are all there
    expect(Math.min(...histHeights)).toBeGreaterThan(14);
    for (const c of [17, 18, 19, 20]) expect(histHeights).toContain(c);
    const blocks: number[] = [];
    for await (const k of sub("blocks").keys()) blocks.push(heightOf(k));
    expect(blocks).toEqual([15, 16, 17, 18, 19, 20]);
    // the tx index goes with the blocks: one transfer per block, 6 blocks kept
    let txRecords = 0;
    for await (const _k of sub("txs").keys()) txRecords++;
    expect(txRecords).toBe(6);
    await db.close();
    solo = await reopenForClose(solo!);
  });

  it("nothing: every height answers as it did, also after a restart", async () => {
    const seen = await runChain(
      resolvePruning({ pruning: "nothing", keepRecent: 0, interval: 0, minRetainBlocks: 0 }),
      12,
    );
    await solo!.reopen();
    const m = buildMethods({ chain: solo!.chain, moniker: "t", rpcAddress: "x" });
    for (const [h, s] of seen) expect(await observe(m, h), `height ${h}`).toEqual(s);
    expect(
      ((await m.get("status")!({})) as { sync_info: { earliest_block_height: string } }).sync_info
        .earliest_block_height,
    ).toBe("1");
  });

  it("blocks that evidence may still name are kept whatever minRetainBlocks says (by block count, then by time)", async () => {
    const opts = resolvePruning({ pruning: "everything", keepRecent: 0, interval: 0, minRetainBlocks: 3 });
    const earliest = async () =>
      Number(
        (
          (await buildMethods({ chain: solo!.chain, moniker: "t", rpcAddress: "x" }).get("status")!({})) as {
            sync_info: { earliest_block_height: string };
          }
        ).sync_info.earliest_block_height,
      );
    // the defaults (100,000 blocks, 48 h): nothing is old enough
    await runChain(opts, 12, {});
    expect(await earliest()).toBe(1);
    expect(await solo!.chain.db.getBlockSync(1)).toBeDefined();
    await solo!.close();
    // 5 blocks, but an hour: the count has passed for heights 1..6 of 12, the time for none
    await runChain(opts, 12, { evidence: { maxAgeNumBlocks: "5", maxAgeDurationMs: "3600000" } });
    expect(await earliest()).toBe(1);
    await solo!.close();
    // 5 blocks and 1 ms: heights below 12 - 5 = 7 have expired on both counts; minRetainBlocks
    // alone would keep only 10..12
    await runChain(opts, 12, { evidence: { maxAgeNumBlocks: "5", maxAgeDurationMs: "1" } });
    expect(await earliest()).toBe(7);
    expect(solo!.chain.db.getBlockSync(6)).toBeUndefined();
    expect(solo!.chain.db.getBlockSync(7)).toBeDefined();
  });

  it("everything: the latest and the 2 before it", async () => {
    const seen = await runChain(
      resolvePruning({ pruning: "everything", keepRecent: 0, interval: 0, minRetainBlocks: 0 }),
      12,
    );
    const m = buildMethods({ chain: solo!.chain, moniker: "t", rpcAddress: "x" });
    for (const h of [10, 11, 12]) expect((await observe(m, h)).balances).toEqual(seen.get(h)!.balances);
    const e = await refusal(() => m.get("bank_balances")!({ address: bob.bech32, height: "9" }));
    expect(e.message).toContain("heights 10 to 12");
  });
});

/** After the raw LevelDB look, open the chain again so afterEach can close and delete it. */
async function reopenForClose(s: SoloChain): Promise<SoloChain> {
  await s.reopen().catch(() => {});
  return s;
}
