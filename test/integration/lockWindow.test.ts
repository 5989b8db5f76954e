// The lock-window crash (issue 15): the 40 % validator (node0 of the devnet's 40/30/20/10) dies
// after its prevote for a block went out and before its precommit. The others see +2/3 prevotes,
// lock on the block in that round and precommit it, but 60 % of precommits is not +2/3: the
// height cannot commit until node0 is back, and node0 comes back in a later round without the
// prevotes that make up the proof-of-lock. Before vote gossip by pull and the consensus WAL, the
// chain halted there for good. The crash is placed by the node's own test hook
// (STRATA_TEST_CRASH_AFTER_PREVOTE: sign nothing more, kill -9 itself 300 ms after the prevote).
//
// Catalogue:
// - node0 alone, N tries on one net (STRATA_LOCK_WINDOW_TRIES, 2 in `npm test`, 10 in e2e):
//   the chain commits the stuck height within a few rounds of node0's restart, every time.
// - ≥ 1/3 of the power at once: node1 and node3 (30 + 10 %) both die after their prevotes at
//   the same height; node0 and node2 lock; both restart.
// - restart all: node0 crashes in the lock window, then the three locked survivors are
//   killed -9 too and all four restart: only the WALs hold the proof-of-lock now.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { homePaths } from "#node/config.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { waitFor } from "../helpers/proc.ts";

const TRIES = Number(process.env.STRATA_LOCK_WINDOW_TRIES ?? 2);
/** "within a few rounds": a round of the test config lasts about 2-4 s on a loaded machine */
const RESUME_MS = 60_000;

type RoundState = { height: string; round: number; step: number };
/** consensus/types.ts RoundStep.Prevote and .Precommit */
const PREVOTE = 3;
const PRECOMMIT = 4;
/** survivors this long in round 0's prevote step with 60 % of the prevotes: node0's prevote is lost */
const PREVOTE_STALL_MS = 10_000;

async function roundState(net: TestNet, i: number): Promise<RoundState | undefined> {
  try {
    return (await net.clients[i]!.call<{ round_state: RoundState }>("consensus_state")).round_state;
  } catch {
    return undefined;
  }
}

/** The height a survivor locked on, from its lock file (the lock is fsync'd before its precommit). */
function lockedHeight(net: TestNet, i: number): number | undefined {
  const p = `${homePaths(net.homes[i]!).signState}.lock.json`;
  if (!existsSync(p)) return undefined;
  return (JSON.parse(readFileSync(p, "utf8")) as { height: number }).height;
}

/** Starts the nodes a failed step left down, so one failure does not cascade into the next test. */
async function ensureAllRunning(net: TestNet): Promise<void> {
  for (let i = 0; i < 4; i++) if (!net.procs[i]) net.start(i);
  await waitFor(
    "all nodes answering",
    async () => ((await net.heights()).every((h) => h !== undefined) ? true : undefined),
    60_000,
  );
}

/**
 * Restarts node0 with the crash hook armed and waits for it to die in the lock window. On a
 * loaded machine the others may precommit nil before node0's prevote reaches them (then nobody
 * locked and it was no lock-window crash): node0 is then restarted and the try repeated.
 */
async function crashNode0InLockWindow(net: TestNet): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const stuck = await tryCrashNode0(net, Math.max(...(await net.heights()).map((h) => h ?? 0)) + 2);
    if (stuck !== undefined) return stuck;
    net.start(0);
    await waitAllAtLeast(net, Math.max(...(await net.heights()).map((h) => h ?? 0)) + 1, [0, 1, 2, 3], RESUME_MS);
  }
  throw new Error("5 attempts without a survivor locking: the lock window was never hit");
}

async function tryCrashNode0(net: TestNet, at: number): Promise<number | undefined> {
  await net.kill(0);
  const p = net.start(0, { STRATA_TEST_CRASH_AFTER_PREVOTE: String(at) });
  const code = await waitFor(
    "node0 to crash after its prevote",
    async () => (p.proc.exitCode !== null || p.proc.signalCode !== null ? true : undefined),
    90_000,
  );
  expect(code).toBe(true);
  expect(p.output.join("")).toContain("test hook: crashing after prevote");
  net.procs[0] = undefined;
  // the height that node0 prevoted at is the one the survivors cannot commit
  const hs = await net.heights();
  const stuck = Math.max(...hs.slice(1).map((h) => h ?? 0)) + 1;
  // inside the window: the survivors precommitted at the stuck height without committing it (with
  // 60 % of the power precommitting they wait there), and at least one of them locked on it. On a
  // starved machine node0's prevote may not have left its socket before the SIGKILL: then the
  // survivors hold 60 % of the prevotes, never +2/3 of any, and wait in round 0's prevote step
  // until node0 is back (correctly: liveness needs +2/3 online). Nobody locked, so that is no
  // lock-window crash either: seen steady there for PREVOTE_STALL_MS, the try is repeated.
  let stalledSince: number | undefined;
  const outcome = await waitFor(
    `survivors precommitted at height ${stuck}`,
    async () => {
      const rs = await Promise.all([1, 2, 3].map((i) => roundState(net, i)));
      if (!rs.every((r) => r && Number(r.height) === stuck)) return undefined;
      if (rs.every((r) => r!.step >= PRECOMMIT || r!.round >= 1)) return "precommitted" as const;
      if (!rs.every((r) => r!.round === 0 && r!.step === PREVOTE)) stalledSince = undefined;
      else if (stalledSince === undefined) stalledSince = Date.now();
      else if (Date.now() - stalledSince >= PREVOTE_STALL_MS) return "prevote lost" as const;
      return undefined;
    },
    60_000,
  );
  if (outcome === "prevote lost") {
    console.log(`node0's prevote at height ${stuck} never reached the survivors; trying again`);
    return undefined;
  }
  return [1, 2, 3].some((i) => lockedHeight(net, i) === stuck) ? stuck : undefined;
}

describe("a crash in the lock window never halts the chain", () => {
  let net: TestNet;
  beforeAll(async () => {
    net = await startTestNet(4);
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
  }, 60_000);
  afterAll(async () => {
    await net?.stopAll();
  });

  it(
    `node0 (40 %) killed after its prevote resumes within a few rounds, ${TRIES} of ${TRIES} tries`,
    async () => {
      const results: { stuck: number; resumeMs: number }[] = [];
      for (let t = 0; t < TRIES; t++) {
        const stuck = await crashNode0InLockWindow(net);
        const t0 = Date.now();
        net.start(0);
        try {
          await waitAllAtLeast(net, stuck, [0, 1, 2, 3], RESUME_MS);
        } catch (e) {
          const rs = await Promise.all([0, 1, 2, 3].map((i) => roundState(net, i)));
          throw new Error(
            `try ${t + 1}: chain did not commit height ${stuck} within ${RESUME_MS} ms of node0's restart (round states ${JSON.stringify(rs)}); node0 log:\n${net.procs[0]?.output.join("").slice(-3000)}`,
            { cause: e },
          );
        }
        results.push({ stuck, resumeMs: Date.now() - t0 });
      }
      console.log("lock-window tries", JSON.stringify(results));
      expect(results.length).toBe(TRIES);
    },
    240_000 * TRIES,
  );

  it("node1 and node3 (40 % together) killed after their prevotes at one height resume", async () => {
    await ensureAllRunning(net);
    const at = Math.max(...(await net.heights()).map((h) => h ?? 0)) + 3;
    await Promise.all([1, 3].map((i) => net.kill(i)));
    const ps = [1, 3].map((i) => net.start(i, { STRATA_TEST_CRASH_AFTER_PREVOTE: String(at) }));
    await waitFor(
      "node1 and node3 to crash after their prevotes",
      async () => (ps.every((p) => p.proc.exitCode !== null || p.proc.signalCode !== null) ? true : undefined),
      90_000,
    );
    for (const p of ps) expect(p.output.join("")).toContain("test hook: crashing after prevote");
    net.procs[1] = net.procs[3] = undefined;
    const hs = await net.heights();
    const stuck = Math.max(hs[0] ?? 0, hs[2] ?? 0) + 1;
    for (const i of [1, 3]) net.start(i);
    await waitAllAtLeast(net, stuck + 1, [0, 1, 2, 3], RESUME_MS);
  }, 240_000);

  it("restart all after a lock-window crash: the WALs bring back the proof-of-lock", async () => {
    await ensureAllRunning(net);
    const stuck = await crashNode0InLockWindow(net);
    await Promise.all([1, 2, 3].map((i) => net.kill(i)));
    for (const i of [0, 1, 2, 3]) net.start(i);
    await waitAllAtLeast(net, stuck + 1, [0, 1, 2, 3], RESUME_MS);
  }, 240_000);
});
