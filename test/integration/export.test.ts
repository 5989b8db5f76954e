// `strata export` on the real binary, round trip: a 3-validator devnet stakes, restakes, delegates,
// undelegates and queues LST and LRT withdrawals; its nodes stop; node0's home is exported with a
// new chain id; the file exports to itself from a home that never started (idempotent); then the
// same validator homes, their data removed, start a new chain from it. The new chain's balances,
// supplies, validator powers, ststra and rststra rates and supplies equal what the old node
// answered at the exported height (node0 restarted alone: it cannot commit, so its state stays
// there), every node checks the invariants after each block (a broken one exits with code 70),
// and the new chain takes txs with the carried-over nonces.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STRATA, waitFor } from "../helpers/proc.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { homePaths } from "#node/config.ts";
import { portFree } from "#cli/devnet.ts";
import { encodeAddress } from "#state/crypto/address.ts";
import { COMMUNITY_POOL, DISTRIBUTION } from "#state/modules/distribution/keeper.ts";
import { FEE_COLLECTOR } from "#state/moduleAccounts.ts";

function run(args: string[]) {
  const r = spawnSync(process.execPath, [STRATA, ...args], { encoding: "utf8", timeout: 90_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Exported = {
  chainId: string;
  accounts: { address: string; balances: Record<string, string> }[];
  validators: { pubkey: string; power: string }[];
  params: Record<string, Record<string, unknown>>;
  state: { height: string };
};

/** Everything the test compares, read over RPC from node0. */
async function snapshot(net: TestNet, accounts: string[]) {
  const c = net.clients[0]!;
  const drop = <T extends Record<string, unknown>>(o: T, ...keys: string[]) =>
    Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
  const balances: Record<string, Record<string, string>> = {};
  for (const a of accounts) balances[a] = (await c.balances(a)).balances;
  return {
    balances,
    supply: (await c.call<{ supply: Record<string, string> }>("bank_supply")).supply,
    // the epoch length is edited in the new genesis (below), so it is not compared
    lst: drop(await c.call<Record<string, unknown>>("lst_state"), "height", "epochBlocks"),
    lrt: drop(await c.call<Record<string, unknown>>("lrt_state"), "height"),
    // proposer priorities move with every block of consensus, not with state: left out
    validators: (
      await c.call<{ validators: { power: string; proposerPriority?: string }[] }>("staking_validators")
    ).validators.map((v) => drop(v, "proposerPriority")),
  };
}

/** Starts node `i` once the ports its last run held can be bound again. */
async function startWhenFree(net: TestNet, i: number): Promise<void> {
  const cfg = JSON.parse(readFileSync(homePaths(net.homes[i]!).config, "utf8"));
  await waitFor(
    `node${i}'s ports free`,
    async () => ((await portFree(cfg.p2p.port)) && (await portFree(cfg.rpc.port)) ? true : undefined),
    30_000,
  );
  net.start(i);
}

/** Starts node0 alone: with half the power it cannot commit, so its RPC answers one height. */
async function startAlone(net: TestNet): Promise<void> {
  await startWhenFree(net, 0);
  await waitFor("node0 answers", async () => ((await net.heights())[0] !== undefined ? true : undefined), 40_000);
}

describe("strata export (real binary): a new chain from the state of an old one", () => {
  let net: TestNet;
  const cli = (args: string[]) => {
    const r = run([...args, "--home", net.dir, "--node", net.clients[0]!.url, "--yes"]);
    expect(r.code, `${args.join(" ")}: ${r.err}`).toBe(0);
    return r.out;
  };

  beforeAll(async () => {
    // nothing matures during the test: every entry is still queued when compared
    net = await startTestNet(3, { unbondingTimeMs: 3_600_000, withdrawalDelayMs: 3_600_000 });
    await waitAllAtLeast(net, 2, [0, 1, 2]);
  }, 90_000);
  afterAll(async () => net?.stopAll());

  it("exports node0's state, and a new chain starts from it with the same state", async () => {
    cli(["tx", "lst", "stake", "1000stra", "--from", "alice"]);
    cli(["tx", "lst", "stake", "500stra", "--from", "bob"]);
    cli(["tx", "lrt", "restake", "200ststra", "--from", "bob"]);
    cli(["tx", "staking", "delegate", "node1", "100stra", "--from", "alice"]);
    cli(["tx", "staking", "undelegate", "node1", "10stra", "--from", "alice"]);
    cli(["tx", "lst", "unstake", "20ststra", "--from", "bob"]);
    cli(["tx", "lrt", "withdraw", "10rststra", "--from", "bob"]);
    for (const i of [0, 1, 2]) await net.kill(i, "SIGTERM");

    const file = join(net.dir, "exported.json");
    const ex = run(["export", "--home", net.homes[0]!, "--chain-id", "strata-exported", "--out", file]);
    expect(ex.code, ex.err).toBe(0);
    expect(ex.err).toMatch(/exported height \d+ of/);
    const exported = JSON.parse(readFileSync(file, "utf8")) as Exported;
    expect(exported.chainId).toBe("strata-exported");
    expect(Number(exported.state.height)).toBeGreaterThan(2);
    expect(exported.validators).toHaveLength(3);
    const users = exported.accounts.map((a) => a.address);

    // the old chain at the exported height: node0 alone holds half the power and cannot commit
    await startAlone(net);
    const before = await snapshot(net, users);
    expect((await net.heights())[0]).toBe(Number(exported.state.height));
    await net.kill(0);
    // the exported consensus set is staking's: the same powers (the genesis ones plus the LST's
    // delegations and alice's 90 stra on node1)
    expect(exported.validators.map((v) => v.power).sort()).toEqual(before.validators.map((v) => v.power).sort());
    expect(BigInt(before.supply.ststra!)).toBeGreaterThan(0n);
    expect(BigInt(before.supply.rststra!)).toBeGreaterThan(0n);

    // the file exports to itself from a home that never started (its height-0 state)
    const fresh = join(net.dir, "fresh");
    mkdirSync(fresh);
    cpSync(file, join(fresh, "genesis.json"));
    const again = run(["export", "--home", fresh]);
    expect(again.code, again.err).toBe(0);
    const reexported = JSON.parse(again.out) as Exported;
    expect(reexported.state.height).toBe("0");
    expect({ ...reexported, state: { ...reexported.state, height: exported.state.height } }).toEqual(exported);

    // the new chain: each validator's home keeps its keys and config, loses its data (blocks,
    // sign state, WAL) and takes the exported genesis, with epochs too long to pass in this test
    const next = {
      ...exported,
      params: {
        ...exported.params,
        lst: { ...exported.params.lst, epochBlocks: 100_000 },
        lrt: { ...exported.params.lrt, epochBlocks: 100_000 },
      },
    };
    for (const h of net.homes) {
      rmSync(homePaths(h).data, { recursive: true, force: true });
      writeFileSync(homePaths(h).genesis, JSON.stringify(next, null, 2));
    }
    for (const i of [0, 1, 2]) await startWhenFree(net, i);
    await waitAllAtLeast(net, 3, [0, 1, 2], 90_000).catch(async (e) => {
      console.log(
        net.procs.map((p, i) => `--- node${i}\n${p?.output.join("").slice(-4000)}`).join("\n"),
        await net.heights(),
      );
      throw e;
    });
    // frozen again for a consistent read: node0 alone, which cannot commit
    for (const i of [1, 2, 0]) await net.kill(i);
    await startAlone(net);
    const after = await snapshot(net, users);

    // inflation of the new chain's first blocks is the only change: it lands in distribution's
    // account, less the community tax in the community pool's (and fees the last exported block
    // collected move from the fee collector to distribution at the first block)
    const minted = [DISTRIBUTION, COMMUNITY_POOL, FEE_COLLECTOR].map(encodeAddress);
    const grown = minted.reduce(
      (t, a) => t + BigInt(after.balances[a]?.stra ?? "0") - BigInt(before.balances[a]?.stra ?? "0"),
      0n,
    );
    expect(grown).toBeGreaterThan(0n);
    expect(BigInt(after.supply.stra!) - BigInt(before.supply.stra!)).toBe(grown);
    const others = (b: typeof before.balances) =>
      Object.fromEntries(Object.entries(b).filter(([a]) => !minted.includes(a)));
    expect(others(after.balances)).toEqual(others(before.balances));
    expect({ ...after.supply, stra: undefined }).toEqual({ ...before.supply, stra: undefined });
    expect(after.lst).toEqual(before.lst);
    expect(after.lrt).toEqual(before.lrt);
    expect(after.validators).toEqual(before.validators);
    const comet = await net.clients[0]!.call<{ validators: { pub_key: { value: string }; voting_power: string }[] }>(
      "validators",
    );
    expect(
      comet.validators.map((v) => [Buffer.from(v.pub_key.value, "base64").toString("hex"), v.voting_power]).sort(),
    ).toEqual(exported.validators.map((v) => [v.pubkey, v.power]).sort());

    for (const i of [1, 2]) await startWhenFree(net, i);
    // the new chain takes txs (nonces carried over); no node exited on a broken invariant
    expect(cli(["tx", "bank", "send", "bob", "1stra", "--from", "alice"])).toMatch(/✔ send 1stra/);
    expect(net.procs.every((p) => p && p.proc.exitCode === null)).toBe(true);
    expect(net.procs.map((p) => p!.output.join("")).join("")).not.toMatch(/invariant broken/);
  }, 400_000);
});
