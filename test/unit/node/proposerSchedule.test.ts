// The proposer schedule against CometBFT's own state transition (state/execution.go
// updateState): S_{H+2} = inc(S_{H+1} with the updates decided at H applied), S_1 =
// NewValidatorSet(genesis), S_2 = S_1 incremented once. Our node derives the same sets from
// the membership staking leaves in state; over random set changes both must name the same
// proposer at every height.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ProposerSchedule } from "#node/proposerSchedule.ts";
import {
  copyIncrementProposerPriority,
  copySet,
  getProposer,
  incrementProposerPriority,
  newValidatorSet,
  updateWithChangeSet,
  type ValidatorChange,
  type ValidatorSet,
} from "#consensus/validatorSet.ts";
import { testKey } from "#test/fixtures/memChain.ts";

const keys = Array.from({ length: 8 }, (_, i) => testKey(300 + i));
const change = (i: number, power: number): ValidatorChange => ({
  address: keys[i]!.address,
  pubkey: keys[i]!.pubkey,
  power: BigInt(power),
});
const entries = (s: ValidatorSet) =>
  s.validators.map((v) => ({ pubkey: v.pubkey, power: Number(v.power), moniker: new Uint8Array() }));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("proposer schedule", () => {
  it("names CometBFT's proposer at every height across validator-set changes", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            height: fc.integer({ min: 1, max: 60 }),
            idx: fc.integer({ min: 0, max: 7 }),
            power: fc.integer({ min: 0, max: 50 }),
          }),
          { maxLength: 40 },
        ),
        (ups) => {
          const genesis = [change(0, 40), change(1, 30), change(2, 20), change(3, 10)];
          // CometBFT
          let vals = newValidatorSet(genesis); // S_1
          let next = copyIncrementProposerPriority(vals, 1); // S_2
          // ours: opened from the genesis set, then fed S_{H+1} as each block H leaves it
          const sched = ProposerSchedule.open(entries(newValidatorSet(genesis)), 1);
          for (let h = 1; h <= 70; h++) {
            expect(hex(sched.proposer(h, 0)), `height ${h}`).toBe(hex(getProposer(vals)!.address));
            // updates decided at h (last one per validator wins; never empty the set)
            const byIdx = new Map<number, number>();
            for (const u of ups) if (u.height === h) byIdx.set(u.idx, u.power);
            const members = new Set(next.validators.map((v) => hex(v.address)));
            let changes = [...byIdx]
              .map(([i, p]) => change(i, p))
              .filter((c) => c.power > 0n || members.has(hex(c.address)));
            changes = changes.filter((c) => {
              const cur = next.validators.find((v) => hex(v.address) === hex(c.address));
              return !cur || cur.power !== c.power; // staking reports changed powers only
            });
            const remaining =
              next.validators.filter((v) => !changes.some((c) => c.power === 0n && hex(c.address) === hex(v.address)))
                .length + changes.filter((c) => c.power > 0n && !members.has(hex(c.address))).length;
            if (remaining === 0) changes = [];
            const nVal = changes.length ? updateWithChangeSet(next, changes) : copySet(next);
            incrementProposerPriority(nVal, 1);
            // block h commits: S_{h+1} (= CometBFT's `next`) is what our node prepares
            const p = sched.prepareNext(entries(next));
            sched.advance(p);
            vals = next;
            next = nVal;
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
