// Consensus first (node/decidingGate.ts): client txs wait while a height is being decided, at
// most holdMs from its start. The gate alone (fake timers: the hold's bound without waiting it
// out), the RPC path that waits on it (a real chain: the tx is not checked while the gate is
// closed, and is admitted once it opens), and a real single-validator driver that must close it
// while it builds a height's proposal and open it before it writes the decided block.
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DecidingGate } from "#node/decidingGate.ts";
import { buildMethods } from "#rpc/methods.ts";
import { send, testGenesisJson, testKey } from "#test/fixtures/memChain.ts";
import { SoloChain } from "#test/helpers/soloChain.ts";
import { soloDriver } from "#test/helpers/soloDriver.ts";
import type { Chain } from "#node/chain.ts";

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe("DecidingGate", () => {
  afterEach(() => vi.useRealTimers());

  it("is open until a height begins, holds until open(), then lets txs through", async () => {
    const g = new DecidingGate(1000);
    expect(g.wait()).toBeUndefined();
    g.close();
    const held = g.wait()!;
    expect(held).toBeInstanceOf(Promise);
    expect(await settled(held)).toBe(false);
    g.open();
    expect(await settled(held)).toBe(true);
    expect(g.wait()).toBeUndefined();
  });

  it("opens by itself holdMs after the height began: a stalled height does not hold clients", async () => {
    vi.useFakeTimers();
    const g = new DecidingGate(1000);
    g.close();
    const held = g.wait()!;
    vi.advanceTimersByTime(999);
    expect(await settled(held)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await settled(held)).toBe(true);
    expect(g.wait()).toBeUndefined(); // later txs of the stalled height go on at once
  });

  it("a new height releases the txs held for the last one and starts its own hold", async () => {
    vi.useFakeTimers();
    const g = new DecidingGate(1000);
    g.close();
    const first = g.wait()!;
    vi.advanceTimersByTime(900);
    g.close();
    expect(await settled(first)).toBe(true);
    const second = g.wait()!;
    vi.advanceTimersByTime(900); // 1,800 ms after the first close: the first timer must not open the second hold
    expect(await settled(second)).toBe(false);
    vi.advanceTimersByTime(100);
    expect(await settled(second)).toBe(true);
  });

  it("holdMs 0 never closes", () => {
    const g = new DecidingGate(0);
    g.close();
    expect(g.wait()).toBeUndefined();
  });
});

describe("broadcast_tx_sync waits on the gate", () => {
  let solo: SoloChain | undefined;
  afterEach(async () => {
    await solo?.close();
    solo = undefined;
  });

  it("checks nothing while the height is being decided, and admits the tx once it is", async () => {
    const alice = testKey(0);
    const bob = testKey(1);
    solo = await SoloChain.open(testGenesisJson(2));
    const gate = new DecidingGate(60_000);
    const m = buildMethods({
      chain: solo.chain,
      moniker: "t",
      rpcAddress: "127.0.0.1:0",
      clientTxGate: () => gate.wait(),
    });
    gate.close();
    const answer = m.get("broadcast_tx_sync")!({
      tx: Buffer.from(send(alice, bob.address, 1n, 0n)).toString("base64"),
    }) as Promise<{ code: number }>;
    expect(await settled(answer)).toBe(false);
    expect(solo.chain.mempool.size).toBe(0);
    gate.open();
    expect((await answer).code).toBe(0);
    expect(solo.chain.mempool.size).toBe(1);
  });
});

describe("the driver closes the gate for a height and opens it at the decision", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-deciding-gate-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("closed while the proposal is built, open when the decided block is written", async () => {
    // a hold far longer than the test: only the driver can open the gate
    const { chain, driver } = await soloDriver(dir, (d) => ({
      ...d,
      timeouts: { ...d.timeouts, commitMs: 50 },
      clientTxHoldMs: 600_000,
    }));
    const closedAtPropose: boolean[] = [];
    const closedAtCommit: boolean[] = [];
    const propose = chain.propose.bind(chain);
    chain.propose = (...a: Parameters<Chain["propose"]>) => {
      closedAtPropose.push(driver.clientTxGate.wait() !== undefined);
      return propose(...a);
    };
    const commit = chain.commit.bind(chain);
    chain.commit = (...a: Parameters<Chain["commit"]>) => {
      closedAtCommit.push(driver.clientTxGate.wait() !== undefined);
      return commit(...a);
    };
    driver.start();
    await vi.waitFor(() => expect(chain.height).toBeGreaterThanOrEqual(3), { timeout: 60_000, interval: 50 });
    driver.stop();
    expect(driver.clientTxGate.wait()).toBeUndefined(); // a stopped driver holds nobody
    await chain.close();
    expect(closedAtPropose.length).toBeGreaterThanOrEqual(3);
    expect(closedAtPropose.every((c) => c)).toBe(true);
    expect(closedAtCommit.length).toBeGreaterThanOrEqual(3);
    expect(closedAtCommit.every((c) => !c)).toBe(true);
  }, 90_000);
});
