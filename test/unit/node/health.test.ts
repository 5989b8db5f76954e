// `health`: healthy after start, NoRecentBlock once no block came for staleBlocks × the block
// time, NodeCatchingUp while syncing. A real chain (LevelDB) with a controlled clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain, DEFAULT_MEMPOOL } from "#node/chain.ts";
import { healthCheck } from "#node/health.ts";
import { parseGenesis } from "#state/genesis.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { testGenesisJson } from "#test/fixtures/memChain.ts";

describe("health", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-health-"));
  let chain: Chain;
  beforeAll(async () => {
    const g = testGenesisJson(1);
    chain = await Chain.open(dir, parseGenesis(g), new TextEncoder().encode(JSON.stringify(g)), {
      mempool: DEFAULT_MEMPOOL,
    });
  });
  afterAll(async () => {
    await chain.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const codeOf = (f: () => void): number | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(StrataError);
      return (e as StrataError).code;
    }
  };

  it("is healthy within staleBlocks × block time of start, then reports NoRecentBlock", () => {
    let now = 1_000_000;
    const check = healthCheck({
      chain,
      catchingUp: () => false,
      peerHeight: () => 0,
      minBlockTimeMs: 1000,
      staleBlocks: 10,
      now: () => now,
    });
    expect(codeOf(check)).toBeUndefined();
    now += 9_999;
    expect(codeOf(check)).toBeUndefined();
    now += 2;
    expect(codeOf(check)).toBe(ErrorCode.NoRecentBlock);
  });

  it("reports NodeCatchingUp while syncing, whatever the block age", () => {
    let syncing = true;
    const check = healthCheck({
      chain,
      catchingUp: () => syncing,
      peerHeight: () => 0,
      minBlockTimeMs: 1000,
      staleBlocks: 10,
    });
    expect(codeOf(check)).toBe(ErrorCode.NodeCatchingUp);
    syncing = false;
    expect(codeOf(check)).toBeUndefined();
  });

  it("is not healthy after a start until in step: peers not asked yet, or peers ahead; then a committed block settles it", () => {
    let peers: number | undefined;
    const check = healthCheck({
      chain,
      catchingUp: () => false,
      peerHeight: () => peers,
      minBlockTimeMs: 1000,
      staleBlocks: 10,
    });
    expect(codeOf(check)).toBe(ErrorCode.NodeCatchingUp); // was: ok at height 0, right after start
    peers = chain.height + 40;
    expect(codeOf(check)).toBe(ErrorCode.NodeCatchingUp); // was: ok while 40 blocks behind
    peers = chain.height;
    expect(codeOf(check)).toBeUndefined(); // the peers confirm it is level
    peers = undefined;
    chain.emit("block", {} as never);
    expect(codeOf(check)).toBeUndefined(); // it committed a block since start
    peers = chain.height + 3;
    expect(codeOf(check)).toBe(ErrorCode.NodeCatchingUp); // fell behind again by more than the tolerance
  });
});
