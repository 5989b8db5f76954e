import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG, loadConfig, pruningOf } from "#node/config.ts";
import { ErrorCode } from "#state/errors.ts";

const home = mkdtempSync(join(tmpdir(), "strata-config-"));
const write = (c: unknown) => writeFileSync(join(home, "config.json"), typeof c === "string" ? c : JSON.stringify(c));

describe("node config", () => {
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("defaults without a file; a partial file is merged over the defaults", () => {
    expect(loadConfig(home)).toEqual(DEFAULT_CONFIG);
    write({ rpc: { port: 30000 }, txIndex: { events: false } });
    const c = loadConfig(home);
    expect(c.rpc.port).toBe(30000);
    expect(c.rpc.host).toBe("127.0.0.1");
    expect(c.txIndex.events).toBe(false);
    write({ consensus: { clientTxHoldMs: 0 } }); // 0 is allowed: client txs never wait
    expect(loadConfig(home).consensus).toEqual({ ...DEFAULT_CONFIG.consensus, clientTxHoldMs: 0 });
    expect(c.indexer).toEqual({ kind: "kv", psql: { url: "" } });
    write({ indexer: { kind: "psql", psql: { url: "postgresql://strata@127.0.0.1:5432/strata" } } });
    expect(loadConfig(home).indexer).toEqual({
      kind: "psql",
      psql: { url: "postgresql://strata@127.0.0.1:5432/strata" },
    });
  });

  it("a bad value is refused naming the field", () => {
    for (const [c, field] of [
      [{ rpc: { port: 70000 } }, "rpc.port"],
      [{ txIndex: { events: "yes" } }, "txIndex.events"],
      [{ verifyWorkers: -1 }, "verifyWorkers"],
      [{ mempool: { maxTxs: 0 } }, "mempool.maxTxs"],
      [{ pruning: "some" }, "pruning"],
      [{ pruning: "custom", pruningKeepRecent: -1 }, "pruningKeepRecent"],
      [{ pruning: "custom", pruningKeepRecent: 10, pruningInterval: 0 }, "pruningInterval"],
      [{ minRetainBlocks: 1.5 }, "minRetainBlocks"],
      [{ consensus: { clientTxHoldMs: -1 } }, "consensus.clientTxHoldMs"],
      [{ rpc: { maxRequestsPerSecond: -1 } }, "rpc.maxRequestsPerSecond"],
      [{ rpc: { maxOpenConnections: 0 } }, "rpc.maxOpenConnections"],
      [{ rpc: { maxConnectionsPerIp: 0 } }, "rpc.maxConnectionsPerIp"],
      [{ rpc: { maxConnectionsPerIp: "all" } }, "rpc.maxConnectionsPerIp"],
      [{ mempool: { ttlNumBlocks: 1.5 } }, "mempool.ttlNumBlocks"],
      [{ mempool: { maxPendingBlocks: "2" } }, "mempool.maxPendingBlocks"],
      [{ consensus: { clientTxHoldMs: "1s" } }, "consensus.clientTxHoldMs"],
      [{ indexer: "psql" }, "indexer"],
      [{ indexer: { kind: "elastic" } }, "indexer.kind"],
      [{ indexer: { kind: "psql" } }, "indexer.psql.url"],
      [{ indexer: { kind: "psql", psql: { url: "localhost:5432" } } }, "indexer.psql.url"],
    ] as const) {
      write(c);
      expect(() => loadConfig(home)).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidConfig, message: expect.stringContaining(`config.${field}`) }),
      );
    }
    write("{ not json");
    expect(() => loadConfig(home)).toThrow(/not valid JSON/);
  });

  it("pruning: the strategies fix keepRecent and interval, custom takes them (SDK semantics)", () => {
    expect(pruningOf(loadConfig(home + "-none"))).toEqual({
      pruning: "default",
      keepRecent: 362_880,
      interval: 10,
      minRetainBlocks: 0,
    });
    write({ pruning: "everything", pruningKeepRecent: 99, minRetainBlocks: 100 });
    expect(pruningOf(loadConfig(home))).toEqual({
      pruning: "everything",
      keepRecent: 2,
      interval: 10,
      minRetainBlocks: 100,
    });
    write({ pruning: "custom", pruningKeepRecent: 100, pruningInterval: 5 });
    expect(pruningOf(loadConfig(home))).toEqual({
      pruning: "custom",
      keepRecent: 100,
      interval: 5,
      minRetainBlocks: 0,
    });
    write({ pruning: "nothing" });
    expect(pruningOf(loadConfig(home)).keepRecent).toBe(Number.MAX_SAFE_INTEGER);
  });
});
