// A peer from another network (same chain id, its own genesis) that is far ahead must not stall
// the chain: nodes see its genesis differs, never sync from it, and keep committing. (Before,
// each failed sync attempt paused consensus, and a round timeout that fired in that pause was
// lost: the devnet stalled at height 4 next to a stray node of an older devnet.)
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { homePaths } from "#node/config.ts";
import { peerAddress, startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";

describe("a peer on another chain", () => {
  let foreign: TestNet | undefined;
  let net: TestNet | undefined;
  afterAll(async () => {
    await net?.stopAll();
    await foreign?.stopAll();
  });

  it("is never synced from, and the chain keeps committing next to it", async () => {
    foreign = await startTestNet(1);
    await waitAllAtLeast(foreign, 15, [0]);
    const addr = peerAddress(foreign.homes[0]!);
    net = await startTestNet(4, {}, (cfg) => {
      cfg.p2p.bootstrap = [...cfg.p2p.bootstrap, addr];
    });
    await waitAllAtLeast(net, 25, [0, 1, 2, 3], 90_000);
    const [h] = await net.heights();
    const [fh] = await foreign.heights();
    expect(fh!).toBeGreaterThan(0);
    expect(net.procs.some((p) => /not syncing from peer.*another chain/.test(p!.output.join("")))).toBe(true);
    // and operators see it in the metrics
    const shunned = await Promise.all(
      net.homes.map(async (h) => {
        const port = JSON.parse(readFileSync(homePaths(h).config, "utf8")).metrics.port;
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return Number(/^strata_sync_peers_shunned (\d+)/m.exec(text)?.[1]);
      }),
    );
    expect(Math.max(...shunned)).toBeGreaterThanOrEqual(1);
    // every node agrees on its own chain
    const ids = await Promise.all(net.clients.map(async (c) => (await c.block(h! - 1)).block_id.hash));
    expect(new Set(ids).size).toBe(1);
  }, 180_000);
});
