// Perturbation suite (issue 15; CometBFT e2e's perturbations): a 4-validator net with the
// devnet's 40/30/20/10 powers and a short mempool TTL, under a steady stream of transfers from a
// client-side history checker, goes through:
// - kill -9 of a random node at a random moment (restarted after 0-3 s),
// - kill -9 of node0 (40 %) inside the lock window (its prevote out, its precommit not),
// - SIGSTOP of a random node for 3-5 s, then SIGCONT,
// - kill -9 of all four, restarted together,
// - a torn last record in a node's consensus WAL (garbage appended while it is down),
// - a node's LevelDB CURRENT deleted: it must refuse to start (exit 65); the operator then
//   re-syncs it from peers with an empty database (sign_state and WAL kept).
// After each, all four nodes must commit 3 more blocks. At the end: every tx a node accepted is
// in exactly one block or was reported expired (none silently dropped), all nodes hold the same
// block id at every height, no validator is tombstoned and no node observed equivocation.
// `npm test` runs one pass; `npm run e2e` (STRATA_E2E=1) runs three, with more random kills.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendFileSync, cpSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { homePaths } from "#node/config.ts";
import { FatalExit } from "#node/fatal.ts";
import { startTestNet, type TestNet } from "../helpers/devnet.ts";
import { waitFor } from "../helpers/proc.ts";
import { History } from "../helpers/history.ts";
import { testKey } from "../fixtures/memChain.ts";

const E2E = process.env.STRATA_E2E === "1";
const PASSES = E2E ? 3 : 1;
const SENDERS = Array.from({ length: 8 }, (_, i) => testKey(5000 + i));
const RECOVER_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

type Row = { perturbation: string; node: string; recoveredMs: number; heightAfter: number };

describe("perturbations: crash, pause, restart all, corrupt data", () => {
  let net: TestNet;
  let history: History;
  const rows: Row[] = [];
  const maxHeight = async () => Math.max(...(await net.heights()).map((h) => h ?? 0));
  const allAtLeast = (h: number, ms = RECOVER_MS) =>
    waitFor(
      `all nodes at height ${h}`,
      async () => ((await net.heights()).every((x) => (x ?? 0) >= h) ? true : undefined),
      ms,
    );

  /** Runs one perturbation, then waits for all four nodes to commit 3 more blocks. */
  async function perturb(name: string, node: string, act: () => Promise<void>): Promise<void> {
    const before = await maxHeight(); // after the act some nodes may not answer yet
    await act();
    const t0 = Date.now();
    const target = Math.max(before, await maxHeight()) + 3;
    try {
      await allAtLeast(target);
    } catch (e) {
      const rs = await Promise.all(
        net.clients.map((c) =>
          c.call<{ round_state: unknown }>("consensus_state").then(
            (r) => r.round_state,
            () => "down",
          ),
        ),
      );
      throw new Error(
        `${name} (${node}): no recovery to height ${target}; round states ${JSON.stringify(rs)}\n${net.procs.map((p, i) => `--- node${i}\n${p?.output.join("").slice(-1500)}`).join("\n")}`,
        { cause: e },
      );
    }
    rows.push({ perturbation: name, node, recoveredMs: Date.now() - t0, heightAfter: target });
  }

  const kill9Random = () => {
    const i = rand(4);
    return perturb("kill -9 at a random moment", `node${i}`, async () => {
      await sleep(rand(2000));
      await net.kill(i);
      await sleep(rand(3000));
      net.start(i);
    });
  };

  const lockWindow = () =>
    perturb("kill -9 in the lock window", "node0", async () => {
      await net.kill(0);
      const p = net.start(0, { STRATA_TEST_CRASH_AFTER_PREVOTE: String((await maxHeight()) + 2) });
      await waitFor(
        "node0 to crash after its prevote",
        async () => (p.proc.exitCode !== null || p.proc.signalCode !== null ? true : undefined),
        90_000,
      );
      net.procs[0] = undefined;
      net.start(0);
    });

  const pause = () => {
    const i = rand(4);
    return perturb("SIGSTOP 3-5 s, SIGCONT", `node${i}`, async () => {
      const p = net.procs[i]!.proc;
      p.kill("SIGSTOP");
      await sleep(3000 + rand(2000)); // the length of the fault, not a wait for a condition
      p.kill("SIGCONT");
    });
  };

  const restartAll = () =>
    perturb("kill -9 all, restart all", "all", async () => {
      await Promise.all([0, 1, 2, 3].map((i) => net.kill(i)));
      for (const i of [0, 1, 2, 3]) net.start(i);
    });

  const tornWal = () =>
    perturb("torn last WAL record", "node1", async () => {
      await net.kill(1);
      appendFileSync(
        join(homePaths(net.homes[1]!).data, "cs.wal"),
        Buffer.from([0, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]),
      );
      net.start(1);
    });

  const deletedCurrent = () =>
    perturb("LevelDB CURRENT deleted: refuses (exit 65), re-synced", "node2", async () => {
      const data = homePaths(net.homes[2]!).data;
      await net.kill(2);
      renameSync(join(data, "CURRENT"), join(data, "CURRENT.lost"));
      const p = net.start(2);
      expect(await p.exited).toBe(FatalExit.DatabaseCorrupt);
      net.procs[2] = undefined;
      // the operator's way out: an empty database, keeping what stops double-signing
      const aside = `${data}.corrupt-${Date.now()}`;
      renameSync(data, aside);
      mkdirSync(data);
      for (const f of ["sign_state.json", "sign_state.json.lock.json", "cs.wal", "mempool.log"])
        if (existsSync(join(aside, f))) cpSync(join(aside, f), join(data, f));
      net.start(2);
    });

  beforeAll(async () => {
    net = await startTestNet(
      4,
      { extraAccounts: SENDERS.map((k) => ({ address: k.bech32, stra: 10n ** 24n })) },
      (cfg) => {
        cfg.mempool = { ...(cfg.mempool ?? {}), ttlNumBlocks: 30, ttlDurationMs: 60_000 };
      },
    );
    await allAtLeast(2, 60_000);
    history = new History(net.clients, (await net.clients[0]!.status()).node_info.network, SENDERS);
    history.start();
  }, 90_000);
  afterAll(async () => {
    await history?.stop();
    await net?.stopAll();
  });

  it(
    `${PASSES} pass(es): every perturbation recovers; no tx lost or doubled; one chain; no tombstone`,
    async () => {
      for (let pass = 0; pass < PASSES; pass++) {
        await kill9Random();
        await lockWindow();
        await pause();
        if (E2E) await kill9Random();
        await restartAll();
        await tornWal();
        if (pass === 0) await deletedCurrent();
        if (E2E) await kill9Random();
      }
      await history.stop();
      const height = await maxHeight();
      await allAtLeast(height, 60_000);
      const report = await history.verdict(net.clients[0]!, height, 90_000);

      // one chain: the same block id at every height on every node
      const forks: number[] = [];
      for (let h = 1; h <= height; h++) {
        const ids = await Promise.all(net.clients.map((c) => c.block(h).then((b) => b.block_id.hash)));
        if (new Set(ids).size !== 1) forks.push(h);
      }
      const vals = (
        await net.clients[0]!.call<{ validators: { tombstoned: boolean; moniker?: string }[] }>("staking_validators")
      ).validators;
      const evidence = await Promise.all(
        net.clients.map((c) =>
          c
            .call<{ round_state: { evidence_observed: number } }>("consensus_state")
            .then((r) => r.round_state.evidence_observed),
        ),
      );

      console.log(
        `perturbation results (${PASSES} pass(es))\n` +
          rows
            .map(
              (r) =>
                `| ${r.perturbation} | ${r.node} | recovered in ${(r.recoveredMs / 1000).toFixed(1)} s | to height ${r.heightAfter} |`,
            )
            .join("\n"),
      );
      console.log(
        "history",
        JSON.stringify({
          ...report,
          lost: report.lost.map((a) => `${a.hash.slice(0, 12)} node${a.node} nonce ${a.nonce}`),
        }),
        "height",
        height,
        "forks",
        forks.length,
        "evidence",
        evidence,
      );
      expect(report.lost.map((a) => `${a.hash} (accepted by node${a.node}, nonce ${a.nonce})`)).toEqual([]);
      expect(report.duplicated).toEqual([]);
      expect(report.accepted).toBeGreaterThan(0);
      expect(forks).toEqual([]);
      expect(vals.filter((v) => v.tombstoned)).toEqual([]);
      expect(evidence).toEqual([0, 0, 0, 0]);
    },
    E2E ? 1_800_000 : 600_000,
  );
});
