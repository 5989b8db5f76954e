// A devnet's block gas limit scales with how many validators share the machine's cores
// (cli/devnet.ts devnetBlockMaxGas): the default 80 M for four, four times that for one, never
// below the params' 10 M floor; and the genesis createDevnet writes carries it (or the caller's).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDevnet, devnetBlockMaxGas } from "#cli/devnet.ts";
import { parseGenesis } from "#state/genesis.ts";
import { DEFAULT_BLOCK_PARAMS } from "#state/params.ts";

const dir = mkdtempSync(join(tmpdir(), "strata-devnet-genesis-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("devnet block gas", () => {
  it("is the default for four validators, four times it for one, and never below 10 M", () => {
    expect(devnetBlockMaxGas(4)).toBe(DEFAULT_BLOCK_PARAMS.maxGas);
    expect(devnetBlockMaxGas(1)).toBe(320_000_000n);
    expect(devnetBlockMaxGas(2)).toBe(160_000_000n);
    expect(devnetBlockMaxGas(3)).toBe(106_666_666n);
    expect(devnetBlockMaxGas(8)).toBe(40_000_000n);
    expect(devnetBlockMaxGas(1000)).toBe(10_000_000n);
    expect(devnetBlockMaxGas(0)).toBe(320_000_000n);
  });

  it("goes into the genesis every node of the devnet reads; a caller's own limit wins", async () => {
    const gasOf = (home: string) =>
      parseGenesis(JSON.parse(readFileSync(join(home, "genesis.json"), "utf8"))).blockParams.maxGas;
    const one = await createDevnet(join(dir, "one"), 1, { basePort: 41000 });
    expect(gasOf(one.homes[0])).toBe(320_000_000n);
    const two = await createDevnet(join(dir, "two"), 2, { basePort: 41100, blockMaxGas: 50_000_000n });
    for (const h of two.homes) expect(gasOf(h)).toBe(50_000_000n);
  });
});
