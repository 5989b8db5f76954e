// A node never opens a database that does not match itself: LevelDB files without CURRENT (which
// LevelDB would "recover" into an empty database, deleting the tables), a meta record whose
// state root is not the tree's, a tip block that is missing. Each is a FatalError naming the
// directory; a good database opens, and its files are left as they were by a refused open.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { Chain, DEFAULT_MEMPOOL } from "#node/chain.ts";
import { FatalError, FatalExit } from "#node/fatal.ts";
import { STATE_FORMAT } from "#node/chainDb.ts";
import { parseGenesis } from "#state/genesis.ts";
import { testGenesisJson } from "#test/fixtures/memChain.ts";

const g = testGenesisJson(2);
const bytes = new TextEncoder().encode(JSON.stringify(g));
const dirs: string[] = [];
const fresh = async () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-integrity-"));
  dirs.push(dir);
  await (await Chain.open(dir, parseGenesis(g), bytes, { mempool: DEFAULT_MEMPOOL })).close();
  return dir;
};
const open = (dir: string) => Chain.open(dir, parseGenesis(g), bytes, { mempool: DEFAULT_MEMPOOL });
async function fatalOf(p: Promise<unknown>): Promise<FatalError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FatalError) return e;
    throw e;
  }
  throw new Error("opened");
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("database integrity on open", () => {
  it("a good database opens again", async () => {
    await (await open(await fresh())).close();
  });

  it("a missing CURRENT stops before LevelDB touches the directory", async () => {
    const dir = await fresh();
    renameSync(join(dir, "CURRENT"), join(dir, "CURRENT.bak"));
    const before = readdirSync(dir).sort();
    const f = await fatalOf(open(dir));
    expect(f.exitCode).toBe(FatalExit.DatabaseCorrupt);
    expect(f.message).toContain(dir);
    expect(f.message).toContain("CURRENT");
    expect(readdirSync(dir).sort()).toEqual(before);
    renameSync(join(dir, "CURRENT.bak"), join(dir, "CURRENT"));
    await (await open(dir)).close();
  });

  it("a database of another state format (an older node's, without the marker) is refused, not misread", async () => {
    for (const marker of [undefined, "strata-smt/0"]) {
      const dir = await fresh();
      const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
      const meta = db.sublevel<Uint8Array, Uint8Array>("meta", { keyEncoding: "view", valueEncoding: "view" });
      if (marker === undefined) await meta.del(Uint8Array.of(3));
      else await meta.put(Uint8Array.of(3), new TextEncoder().encode(marker));
      await db.close();
      const f = await fatalOf(open(dir));
      expect(f.exitCode).toBe(FatalExit.DatabaseCorrupt);
      expect(f.message).toContain(dir);
      expect(f.message).toContain(`state format ${marker ?? "strata-smt, before format markers"}`);
      expect(f.message).toContain(STATE_FORMAT);
    }
  });

  it("a meta record whose state root is not the tree's, and data without a meta record", async () => {
    const dir = await fresh();
    const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    const meta = db.sublevel<Uint8Array, Uint8Array>("meta", { keyEncoding: "view", valueEncoding: "view" });
    const m = JSON.parse(Buffer.from((await meta.get(Uint8Array.of(1)))!).toString());
    await meta.put(Uint8Array.of(1), new TextEncoder().encode(JSON.stringify({ ...m, stateRoot: "00".repeat(32) })));
    await db.close();
    expect((await fatalOf(open(dir))).message).toContain("state tree's root");
    const db2 = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    await db2
      .sublevel<Uint8Array, Uint8Array>("meta", { keyEncoding: "view", valueEncoding: "view" })
      .del(Uint8Array.of(1));
    await db2.close();
    expect((await fatalOf(open(dir))).message).toContain("no meta record");
    expect(existsSync(dir)).toBe(true);
  });
});
