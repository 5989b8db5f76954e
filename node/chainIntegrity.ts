// A node never runs on a database that does not match itself. Checked on every open, before
// anything is served or signed:
// - before LevelDB opens the directory: LevelDB files without CURRENT mean LevelDB would build a
//   new, empty database from its log and then delete the table files as obsolete (issue 15: the
//   node came up with 0 validators and blamed every peer). We stop before it touches anything.
// - after: the meta record's state root is the root of the stored tree, and the blocks it names
//   are there and agree with it (tip block id, state root, time; its commit; block 1; nothing
//   stored above the tip); no meta record means no data at all.
// Any failure is a FatalError naming the directory and what to do (restore, or re-sync).
import { existsSync, readdirSync } from "node:fs";
import { Block, Commit } from "../state/encoding/types.ts";
import { blockIdOf } from "../consensus/blockHashes.ts";
import { hashRoot, TREE_DEPTH, ZERO_HASHES } from "../state/store/commitment.ts";
import { FatalError, FatalExit } from "./fatal.ts";
import type { ChainDb } from "./chainDb.ts";

export const RESYNC_ADVICE =
  "stop the node; restore the data directory from a backup, or move it away and start the node with an empty one to re-sync from peers (keep sign_state.json: it is what stops double-signing)";

const LEVELDB_DATA = /^(\d+\.(ldb|sst|log)|MANIFEST-\d+)$/;

export function corrupt(dir: string, what: string, cause?: unknown): FatalError {
  return new FatalError(
    FatalExit.DatabaseCorrupt,
    dir,
    `the database does not match itself: ${what}`,
    RESYNC_ADVICE,
    cause,
  );
}

/** Before LevelDB opens `dir`: its files must include CURRENT if they include any table or log. */
export function checkLevelDbFiles(dir: string): void {
  if (!existsSync(dir)) return;
  const files = readdirSync(dir);
  const data = files.filter((f) => LEVELDB_DATA.test(f));
  if (data.length > 0 && !files.includes("CURRENT")) {
    throw corrupt(
      dir,
      `LevelDB's CURRENT file is missing (${data.length} table/log/manifest files present); opening it would rebuild an empty database and delete the tables`,
    );
  }
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** After open: meta, tree root and stored blocks agree. */
export async function checkChainDb(db: ChainDb): Promise<void> {
  const dir = db.dir;
  const meta = db.meta();
  if (!meta) {
    if (await db.hasAnyData()) throw corrupt(dir, "it holds data but no meta record (a partial or rebuilt database)");
    return;
  }
  const top = db.node(TREE_DEPTH, 0) ?? ZERO_HASHES[TREE_DEPTH];
  if (!same(hashRoot(top, meta.leafCount), meta.stateRoot))
    throw corrupt(
      dir,
      `the state tree's root does not match the state root of height ${meta.height} in the meta record`,
    );
  if (await db.getBlock(meta.height + 1))
    throw corrupt(dir, `a block is stored at height ${meta.height + 1}, above the meta record's height ${meta.height}`);
  if (meta.height === 0) return;
  const tip = await db.getBlock(meta.height);
  const commit = await db.getCommit(meta.height);
  if (!tip || !commit) throw corrupt(dir, `block or commit ${meta.height} (the meta record's height) is missing`);
  let header;
  try {
    header = Block.deserialize(tip).header;
    if (!same(Commit.deserialize(commit).blockId, meta.lastBlockId)) throw new Error("commit is for another block");
  } catch (e) {
    throw corrupt(dir, `block or commit ${meta.height} does not decode or does not match: ${(e as Error).message}`, e);
  }
  if (header.height !== meta.height || !same(blockIdOf(header), meta.lastBlockId))
    throw corrupt(dir, `block ${meta.height} is not the block the meta record names`);
  if (!same(header.stateRoot, meta.stateRoot))
    throw corrupt(dir, `block ${meta.height}'s state root differs from the meta record's`);
  if (header.time !== meta.lastBlockTime)
    throw corrupt(dir, `block ${meta.height}'s time differs from the meta record's`);
  // the first block kept (1, or the retention window's start when old blocks were pruned)
  const first = db.earliestBlock();
  if (meta.height > first && !(await db.getBlock(first)))
    throw corrupt(dir, `block ${first} (the earliest this node keeps) is missing`);
}
