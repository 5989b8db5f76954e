// Validator sets per height (node/validatorHistory.ts) against the live proposer schedule: the
// schedule is fed random set changes height by height (as the consensus driver feeds it), each
// height's record is stored as Chain.commit stores it, and afterwards every height must answer
// exactly the set and priorities the schedule had then — across checkpoints, changes right
// before and after them, and on a real LevelDB after a restart.
import { afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHECKPOINT, recordFor, validatorSetAt } from "#node/validatorHistory.ts";
import { ProposerSchedule } from "#node/proposerSchedule.ts";
import { getProposer, type ValidatorSet } from "#consensus/validatorSet.ts";
import { Chain, DEFAULT_MEMPOOL, soloCommit } from "#node/chain.ts";
import { parseGenesis } from "#state/genesis.ts";
import { testGenesisJson, testKey } from "#test/fixtures/memChain.ts";
import type { ValidatorEntryValue } from "#state/validators.ts";

const keys = Array.from({ length: 6 }, (_, i) => testKey(400 + i));
const entry = (i: number, power: number): ValidatorEntryValue => ({
  pubkey: keys[i]!.pubkey,
  power,
  moniker: new Uint8Array(),
});
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const shape = (s: ValidatorSet | undefined) =>
  s && { vals: s.validators.map((v) => [hex(v.address), v.power, v.priority]), proposer: hex(getProposer(s)!.address) };

class MapReader {
  readonly m = new Map<number, Uint8Array>();
  validatorRecord(h: number) {
    return this.m.get(h);
  }
}

/** Runs the schedule over `heights`, changing the set where `changes` says; returns each height's set. */
function run(heights: number, changes: Map<number, ValidatorEntryValue[]>, db: MapReader): Map<number, ValidatorSet> {
  let entries = [entry(0, 40), entry(1, 30), entry(2, 20), entry(3, 10)];
  const sched = ProposerSchedule.open(entries, 1);
  const seen = new Map<number, ValidatorSet>();
  db.m.set(1, recordFor(db, 1, sched.setAt(1)!));
  for (let h = 1; h <= heights; h++) {
    seen.set(h, structuredClone(sched.setAt(h)!));
    entries = changes.get(h) ?? entries;
    const next = sched.prepareNext(entries);
    db.m.set(h + 1, recordFor(db, h + 1, next.set));
    sched.advance(next);
  }
  return seen;
}

describe("validator history", () => {
  it("answers every height with the schedule's set and priorities, over random set changes", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            height: fc.integer({ min: 1, max: 80 }),
            powers: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 6, maxLength: 6 }),
          }),
          { maxLength: 12 },
        ),
        (ups) => {
          const changes = new Map<number, ValidatorEntryValue[]>();
          for (const u of ups) {
            const set = u.powers.map((p, i) => (p > 0 ? entry(i, p) : undefined)).filter((e) => e !== undefined);
            if (set.length) changes.set(u.height, set);
          }
          const db = new MapReader();
          const seen = run(90, changes, db);
          for (const [h, s] of seen) expect(shape(validatorSetAt(db, h)), `height ${h}`).toEqual(shape(s));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("replays across checkpoints, with changes just before and just after one, and stores pointers in between", () => {
    const changes = new Map([
      [CHECKPOINT - 2, [entry(0, 40), entry(4, 25)]],
      [CHECKPOINT, [entry(0, 41), entry(4, 25), entry(5, 7)]],
      [2 * CHECKPOINT + 3, [entry(5, 9)]],
    ]);
    const db = new MapReader();
    const seen = run(2 * CHECKPOINT + 20, changes, db);
    for (const [h, s] of seen) expect(shape(validatorSetAt(db, h)), `height ${h}`).toEqual(shape(s));
    // changes decided at H (given with block H) belong to the set of H + 1
    expect(db.m.get(CHECKPOINT - 1)![0]).toBe(1);
    expect(db.m.get(CHECKPOINT + 1)![0]).toBe(1);
    expect(db.m.get(CHECKPOINT)![0]).toBe(1); // checkpoint
    expect(db.m.get(17)!.length).toBe(9); // unchanged: a pointer
    expect(db.m.get(CHECKPOINT + 50)!.length).toBe(9);
  });

  it("knows nothing above the last record, at 0 or below, or where a record is missing", () => {
    const db = new MapReader();
    run(10, new Map(), db);
    expect(validatorSetAt(db, 11)).toBeDefined();
    expect(validatorSetAt(db, 12)).toBeUndefined();
    expect(validatorSetAt(db, 0)).toBeUndefined();
    expect(validatorSetAt(db, -3)).toBeUndefined();
    expect(validatorSetAt(db, 1.5)).toBeUndefined();
    db.m.delete(1); // the full record the pointers stand on
    expect(validatorSetAt(db, 5)).toBeUndefined();
  });
});

describe("validator history on a node's database", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("each committed block stores the next height's set; they survive a restart", async () => {
    const g = testGenesisJson(2);
    const bytes = new TextEncoder().encode(JSON.stringify(g));
    const dir = mkdtempSync(join(tmpdir(), "strata-valhist-"));
    dirs.push(dir);
    const genesis = parseGenesis(g);
    let chain = await Chain.open(dir, genesis, bytes, { mempool: DEFAULT_MEMPOOL });
    const sched = ProposerSchedule.open(genesis.validators, 1);
    const seen = new Map<number, unknown>();
    for (let h = 1; h <= 6; h++) {
      seen.set(h, shape(sched.setAt(h)));
      const p = chain.propose(sched.proposer(h, 0));
      const next = sched.prepareNext(p.nextValidators);
      await chain.commit(
        p,
        soloCommit(h, p.blockId, sched.proposer(h, 0), p.block.header.time, new Uint8Array(64)),
        next.serialized,
      );
      sched.advance(next);
    }
    seen.set(7, shape(sched.setAt(7)));
    await chain.close();
    chain = await Chain.open(dir, genesis, bytes, { mempool: DEFAULT_MEMPOOL });
    for (const [h, s] of seen) expect(shape(validatorSetAt(chain.db, h)), `height ${h}`).toEqual(s);
    expect(validatorSetAt(chain.db, 8)).toBeUndefined();
    await chain.close();
  });
});
