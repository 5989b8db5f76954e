// All votes of one type at one (height, round), as CometBFT's types/vote_set.go: one vote per
// validator, power tallied per block id, +2/3 detection, and equivocation detection (a second,
// different vote from the same validator is kept as evidence, never counted).
import type { VoteValue } from "./vote.ts";
import { hexId, isOneThird, isTwoThirds, totalPower, type ValidatorInfo } from "./types.ts";

export type Equivocation = { first: VoteValue; second: VoteValue };

export type AddVoteResult =
  | { added: true }
  | { added: false; reason: "duplicate" | "unknown_validator" | "wrong_hrs" | "conflict"; evidence?: Equivocation };

export class VoteSet {
  readonly height: number;
  readonly round: number;
  readonly type: number;
  private readonly vals: readonly ValidatorInfo[];
  private readonly index = new Map<string, number>();
  private readonly votes: (VoteValue | undefined)[];
  private readonly byBlock = new Map<string, bigint>();
  private readonly total: bigint;
  private sum = 0n;

  constructor(height: number, round: number, type: number, vals: readonly ValidatorInfo[]) {
    this.height = height;
    this.round = round;
    this.type = type;
    this.vals = vals;
    vals.forEach((v, i) => this.index.set(hexId(v.address), i));
    this.votes = new Array(vals.length).fill(undefined);
    this.total = totalPower(vals);
  }

  /** Signature checks happen before (the caller knows the chain id); this only tallies. */
  add(vote: VoteValue): AddVoteResult {
    const b = vote.body;
    if (b.height !== this.height || b.round !== this.round || b.type !== this.type)
      return { added: false, reason: "wrong_hrs" };
    const i = this.index.get(hexId(b.validator));
    if (i === undefined) return { added: false, reason: "unknown_validator" };
    const prev = this.votes[i];
    if (prev) {
      if (Buffer.compare(prev.body.blockId, b.blockId) === 0) return { added: false, reason: "duplicate" };
      return { added: false, reason: "conflict", evidence: { first: prev, second: vote } };
    }
    this.votes[i] = vote;
    const power = this.vals[i].power;
    const id = hexId(b.blockId);
    this.byBlock.set(id, (this.byBlock.get(id) ?? 0n) + power);
    this.sum += power;
    return { added: true };
  }

  /** Whether this very vote (same validator, same block) is already counted. */
  hasVote(vote: VoteValue): boolean {
    const i = this.index.get(hexId(vote.body.validator));
    const prev = i === undefined ? undefined : this.votes[i];
    return prev !== undefined && Buffer.compare(prev.body.blockId, vote.body.blockId) === 0;
  }

  /** The block id (hex; all-zero = nil) with > 2/3 of the power, if any. */
  twoThirdsMajority(): string | undefined {
    for (const [id, p] of this.byBlock) if (isTwoThirds(p, this.total)) return id;
    return undefined;
  }

  hasTwoThirdsFor(idHex: string): boolean {
    return isTwoThirds(this.byBlock.get(idHex) ?? 0n, this.total);
  }

  /** > 2/3 of the power voted, for anything. */
  hasTwoThirdsAny(): boolean {
    return isTwoThirds(this.sum, this.total);
  }

  hasOneThirdAny(): boolean {
    return isOneThird(this.sum, this.total);
  }

  powerVoted(): bigint {
    return this.sum;
  }

  /** Votes in validator-set order (undefined = absent): the shape of a commit. */
  list(): readonly (VoteValue | undefined)[] {
    return this.votes;
  }

  get size(): number {
    return this.votes.filter((v) => v !== undefined).length;
  }
}
