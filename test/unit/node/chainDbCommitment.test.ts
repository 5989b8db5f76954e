// The indexed Merkle tree on LevelDB: ChainDb keeps the sorted key set in memory and reloads it
// from the leaf index at open. A node that restarted with a wrong set would compute other state
// roots than its peers, so: blocks of inserts, deletes and re-puts across a close/reopen give
// the same roots as the in-memory reader, and proofs served from the reopened database verify.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChainDb } from "#node/chainDb.ts";
import { computeCommitment, MemoryCommitment } from "#state/store/commitment.ts";
import { proveKey, verifyKeyProof } from "#state/store/keyProof.ts";
import type { Change } from "#state/store/types.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const k = (i: number) => Uint8Array.of(0x05, (i * 37) & 0xff, i & 0xff);
/** Block h: puts of a spread of new and old keys, deletes of some, re-puts of deleted ones. */
function blockChanges(h: number): Change[] {
  const m = new Map<number, Uint8Array | null>();
  for (let j = 0; j < 12; j++) m.set((h * 13 + j * 7) % 90, Uint8Array.of(h, j));
  for (let j = 0; j < 3; j++) m.set((h * 5 + j * 11) % 90, null);
  return [...m].map(([i, value]) => ({ key: k(i), value })).sort((a, b) => Buffer.compare(a.key, b.key));
}

async function commit(db: ChainDb, height: number, changes: Change[]): Promise<Uint8Array> {
  const u = computeCommitment(db, changes);
  await db.commitBlock({
    height,
    blockId: new Uint8Array(32).fill(height),
    blockBytes: new Uint8Array(1),
    commitBytes: new Uint8Array(1),
    changes,
    commitment: u,
    txs: [],
    resultsBytes: new Uint8Array(1),
    meta: {
      height,
      stateRoot: u.root,
      leafCount: u.leafCount,
      lastBlockId: new Uint8Array(32),
      lastBlockTime: height,
      genesisHash: new Uint8Array(32),
    },
  });
  return u.root;
}

describe("ChainDb as the indexed tree's reader", () => {
  it("gives the in-memory reader's roots across a reopen, and serves proofs that verify", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-imt-"));
    dirs.push(dir);
    const mem = new MemoryCommitment();
    let db = await ChainDb.open(dir);
    let root: Uint8Array = new Uint8Array();
    for (let h = 0; h < 12; h++) {
      if (h === 6) {
        await db.close();
        db = await ChainDb.open(dir);
      }
      const changes = blockChanges(h);
      const u = computeCommitment(mem, changes);
      mem.apply(u, changes);
      root = await commit(db, h, changes);
      expect(Buffer.from(root).toString("hex")).toBe(Buffer.from(u.root).toString("hex"));
    }
    await db.close();
    db = await ChainDb.open(dir);
    for (let i = 0; i < 100; i++) {
      const value = db.get(k(i)) ?? null;
      const hex = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString("hex") : null);
      expect(hex(value)).toBe(hex(mem.value(k(i))));
      const p = proveKey(db, k(i));
      expect(p.kind).toBe(value ? "member" : "absent");
      expect(verifyKeyProof(root, k(i), value, p)).toBe(true);
    }
    await db.close();
  });
});
