// Who proposes at (height, round), CometBFT's rule over a validator set that can change every
// height: the set of height 1 is NewValidatorSet(genesis); the set of H + 1 is the set of H with
// the changes to S_{H+1} applied (updateWithChangeSet: newcomers enter at −1.125 × total) and
// priorities incremented once; round r increments r more times. The next height's set is
// computed before a block is committed and stored with it (chain meta), so a restart resumes
// with exactly the priorities the network has.
import {
  copyIncrementProposerPriority,
  copySet,
  getProposer,
  incrementProposerPriority,
  newValidatorSet,
  updateWithChangeSet,
  type ValidatorChange,
  type ValidatorSet,
} from "../consensus/validatorSet.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import type { ValidatorEntryValue } from "../state/validators.ts";

type Persisted = {
  height: number;
  validators: { address: string; pubkey: string; power: string; priority: string }[];
  proposer: string;
};
export type PreparedNext = { height: number; set: ValidatorSet; serialized: string };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function toChanges(entries: readonly ValidatorEntryValue[]): ValidatorChange[] {
  return entries.map((v) => ({ address: addressFromPubkey(v.pubkey), pubkey: v.pubkey, power: BigInt(v.power) }));
}

/** The record prepareNext serializes (stored in the chain meta with each block): the set of `height`. */
export function parseScheduleRecord(serialized: string): { height: number; set: ValidatorSet } {
  const p = JSON.parse(serialized) as Persisted;
  const validators = p.validators.map((v) => ({
    address: new Uint8Array(Buffer.from(v.address, "hex")),
    pubkey: new Uint8Array(Buffer.from(v.pubkey, "hex")),
    power: BigInt(v.power),
    priority: BigInt(v.priority),
  }));
  const set: ValidatorSet = {
    validators,
    proposer: validators.find((v) => hex(v.address) === p.proposer),
    totalPower: validators.reduce((a, v) => a + v.power, 0n),
  };
  return { height: p.height, set };
}

export class ProposerSchedule {
  private height: number;
  private set: ValidatorSet;
  private readonly roundCache = new Map<number, Uint8Array>();

  private constructor(height: number, set: ValidatorSet) {
    this.height = height;
    this.set = set;
  }

  /** From the record stored with the last block, or from genesis at height 1. */
  static open(genesisVals: readonly ValidatorEntryValue[], nextHeight: number, persisted?: string): ProposerSchedule {
    if (persisted) {
      const p = parseScheduleRecord(persisted);
      if (p.height === nextHeight) return new ProposerSchedule(nextHeight, p.set);
    }
    // No record (a fresh chain): replay from genesis, valid while the set never changed.
    let set = newValidatorSet(toChanges(genesisVals));
    for (let h = 1; h < nextHeight; h++) set = copyIncrementProposerPriority(set, 1);
    return new ProposerSchedule(nextHeight, set);
  }

  get currentHeight(): number {
    return this.height;
  }

  proposer(height: number, round: number): Uint8Array {
    if (height !== this.height) throw new Error(`proposer schedule is at height ${this.height}, asked for ${height}`);
    if (round === 0) return getProposer(this.set)!.address;
    let a = this.roundCache.get(round);
    if (!a) {
      a = getProposer(copyIncrementProposerPriority(this.set, round))!.address;
      this.roundCache.set(round, a);
    }
    return a;
  }

  /** The set of this height, with priorities (validators RPC). */
  setAt(height: number): ValidatorSet | undefined {
    return height === this.height ? this.set : undefined;
  }

  /** The set of the next height, given S_{H+1} as the committed block leaves it. */
  prepareNext(nextEntries: readonly ValidatorEntryValue[]): PreparedNext {
    const want = new Map(toChanges(nextEntries).map((c) => [hex(c.address), c]));
    const changes: ValidatorChange[] = [];
    for (const v of this.set.validators) {
      const w = want.get(hex(v.address));
      if (!w) changes.push({ address: v.address, pubkey: v.pubkey, power: 0n });
      else if (w.power !== v.power) changes.push(w);
    }
    for (const [k, c] of want) if (!this.set.validators.some((v) => hex(v.address) === k)) changes.push(c);
    const set = changes.length ? updateWithChangeSet(this.set, changes) : copySet(this.set);
    incrementProposerPriority(set, 1);
    const p: Persisted = {
      height: this.height + 1,
      validators: set.validators.map((v) => ({
        address: hex(v.address),
        pubkey: hex(v.pubkey),
        power: v.power.toString(),
        priority: v.priority.toString(),
      })),
      proposer: hex(set.proposer!.address),
    };
    return { height: this.height + 1, set, serialized: JSON.stringify(p) };
  }

  advance(next: PreparedNext): void {
    if (next.height !== this.height + 1) throw new Error("proposer schedule: advance out of order");
    this.height = next.height;
    this.set = next.set;
    this.roundCache.clear();
  }
}
