// The Tendermint consensus algorithm for one node (Buchman, Kwon, Milosevic 2018, Algorithm 1),
// as an explicit, synchronous event machine: inputs are proposals, votes and timeouts; outputs
// are emitted effects (broadcast, schedule a timeout, decide). No I/O, no clock, no timers:
// the driver (node/consensusDriver.ts) owns those, and unit tests script them.
// Line references "L22" etc. are to Algorithm 1 of the paper.
import { NIL_BLOCK_ID, VoteType, type VoteBodyValue, type VoteValue } from "./vote.ts";
import { polRound, type ProposalBodyValue, type ProposalValue } from "./proposal.ts";
import { VoteSet, type Equivocation } from "./voteSet.ts";
import {
  hexId,
  isOneThird,
  RoundStep,
  totalPower,
  type RoundStepValue,
  type TimeoutStepValue,
  type ValidatorInfo,
} from "./types.ts";

const NIL = hexId(NIL_BLOCK_ID);
/** Votes for rounds further ahead than this are ignored: bounds memory against spam. */
const MAX_ROUND_AHEAD = 50;

export type CoreEffect =
  | { kind: "proposal"; proposal: ProposalValue; block: Uint8Array }
  | { kind: "vote"; vote: VoteValue }
  | { kind: "timeout"; height: number; round: number; step: TimeoutStepValue }
  | {
      kind: "decide";
      height: number;
      round: number;
      blockId: Uint8Array;
      block: Uint8Array;
      precommits: readonly (VoteValue | undefined)[];
    }
  | { kind: "evidence"; evidence: Equivocation }
  | { kind: "lock"; height: number; round: number; blockId: Uint8Array; block: Uint8Array };

/** What the core asks of the outside world, synchronously. */
export type CoreApp = {
  /** address of the proposer of (current height, round) */
  proposer(round: number): Uint8Array;
  /** a new block for the current height (only called on the proposer) */
  createBlock(round: number): { blockId: Uint8Array; block: Uint8Array };
  /** full validity: decodes, matches blockId, executes, state root matches. Cached by the app. */
  isValidBlock(blockId: Uint8Array, block: Uint8Array): boolean;
  now(): number;
  /** timestamp for a vote for block `id` (hex; NIL for nil): at least 1 ms after that block's time */
  voteTime?(id: string): number;
};

/** Signs or refuses (sign-state safety). Undefined address: this node is not a validator. */
export type CoreSigner = {
  address: Uint8Array | undefined;
  signVote(body: VoteBodyValue): VoteValue | undefined;
  signProposal(body: ProposalBodyValue): ProposalValue | undefined;
};

export type LockState = { round: number; lockedRound: number; lockedBlockId: Uint8Array; lockedBlock: Uint8Array };

type RoundVotes = { prevotes: VoteSet; precommits: VoteSet };

export class ConsensusCore {
  height = 0;
  round = 0;
  step: RoundStepValue = RoundStep.NewHeight;
  lockedRound = -1;
  lockedBlockId: string = NIL;
  validRound = -1;
  validBlockId: string = NIL;
  decided = false;

  private vals: readonly ValidatorInfo[] = [];
  private total = 0n;
  private readonly app: CoreApp;
  private readonly signer: CoreSigner;
  private readonly emit: (e: CoreEffect) => void;
  private readonly proposals = new Map<number, ProposalValue>();
  private readonly blocks = new Map<string, Uint8Array>();
  private readonly votes = new Map<number, RoundVotes>();
  /** "for the first time" guards of L34, L36 and L47, per round */
  private readonly fired = new Set<string>();

  constructor(app: CoreApp, signer: CoreSigner, emit: (e: CoreEffect) => void) {
    this.app = app;
    this.signer = signer;
    this.emit = emit;
  }

  /** Enter a new height; `restore` re-applies a lock persisted before a crash. */
  startHeight(height: number, vals: readonly ValidatorInfo[], restore?: LockState): void {
    this.height = height;
    this.vals = vals;
    this.total = totalPower(vals);
    this.round = 0;
    this.step = RoundStep.NewHeight;
    this.lockedRound = -1;
    this.lockedBlockId = NIL;
    this.validRound = -1;
    this.validBlockId = NIL;
    this.decided = false;
    this.proposals.clear();
    this.blocks.clear();
    this.votes.clear();
    this.fired.clear();
    let round = 0;
    if (restore) {
      round = restore.round;
      if (restore.lockedRound >= 0) {
        this.lockedRound = restore.lockedRound;
        this.lockedBlockId = hexId(restore.lockedBlockId);
        this.validRound = restore.lockedRound;
        this.validBlockId = this.lockedBlockId;
        this.blocks.set(this.lockedBlockId, restore.lockedBlock);
      }
    }
    this.startRound(round);
  }

  // --- inputs

  /** A proposal whose signature the caller verified. */
  onProposal(p: ProposalValue, block: Uint8Array): void {
    const b = p.body;
    if (b.height !== this.height || this.decided) return;
    if (this.proposals.has(b.round)) return;
    if (b.round > this.round + MAX_ROUND_AHEAD) return;
    if (Buffer.compare(b.proposer, this.app.proposer(b.round)) !== 0) return;
    const pr = polRound(b);
    if (pr >= b.round) return; // polRound must be earlier than the round
    this.proposals.set(b.round, p);
    this.blocks.set(hexId(b.blockId), block);
    this.process();
  }

  /** A vote whose signature the caller verified. */
  onVote(v: VoteValue): void {
    const b = v.body;
    if (b.height !== this.height) return;
    if (b.round > this.round + MAX_ROUND_AHEAD) return;
    const rv = this.roundVotes(b.round);
    const set = b.type === VoteType.Prevote ? rv.prevotes : b.type === VoteType.Precommit ? rv.precommits : undefined;
    if (!set) return;
    const r = set.add(v);
    if (!r.added) {
      if (r.reason === "conflict" && r.evidence) this.emit({ kind: "evidence", evidence: r.evidence });
      return;
    }
    this.process();
  }

  onTimeout(height: number, round: number, step: TimeoutStepValue): void {
    if (height !== this.height || round !== this.round || this.decided) return;
    if (step === "propose" && this.step === RoundStep.Propose)
      this.prevote(NIL); // L57
    else if (step === "prevote" && this.step === RoundStep.Prevote)
      this.precommit(NIL); // L61
    else if (step === "precommit") this.startRound(round + 1); // L65
    this.process();
  }

  // --- the algorithm

  private startRound(round: number): void {
    this.round = round;
    this.step = RoundStep.Propose;
    const me = this.signer.address;
    if (me && Buffer.compare(this.app.proposer(round), me) === 0) {
      let blockId: Uint8Array;
      let block: Uint8Array;
      const pol = this.validRound;
      if (pol >= 0 && this.blocks.has(this.validBlockId)) {
        blockId = Buffer.from(this.validBlockId, "hex");
        block = this.blocks.get(this.validBlockId)!;
      } else {
        ({ blockId, block } = this.app.createBlock(round));
      }
      const p = this.signer.signProposal({
        height: this.height,
        round,
        polRoundPlusOne: (pol >= 0 && this.blocks.has(this.validBlockId) ? pol : -1) + 1,
        blockId,
        timestamp: this.app.now(),
        proposer: me,
      });
      if (p) {
        this.emit({ kind: "proposal", proposal: p, block });
        this.proposals.set(round, p);
        this.blocks.set(hexId(blockId), block);
      }
    }
    this.emit({ kind: "timeout", height: this.height, round, step: "propose" });
    this.process();
  }

  private process(): void {
    // Each rule changes step or round or sets a fired guard, so this terminates.
    for (let guard = 0; guard < 1000; guard++) {
      if (!this.step1()) return;
    }
    throw new Error("consensus core: rules did not settle");
  }

  /** Applies the first rule that fires; returns whether one did. */
  private step1(): boolean {
    if (this.decided) return false;
    const r = this.round;
    const p = this.proposals.get(r);
    const rv = this.roundVotes(r);

    // L49: a proposal (any round) with +2/3 precommits for it: decide
    for (const [round, v] of this.votes) {
      const id = v.precommits.twoThirdsMajority();
      if (!id || id === NIL) continue;
      const block = this.blocks.get(id);
      if (!block || !this.app.isValidBlock(Buffer.from(id, "hex"), block)) continue;
      this.decided = true;
      this.step = RoundStep.Commit;
      const precommits = v.precommits.list().map((x) => (x && hexId(x.body.blockId) === id ? x : undefined));
      this.emit({ kind: "decide", height: this.height, round, blockId: Buffer.from(id, "hex"), block, precommits });
      return false;
    }

    // L55: +1/3 of the power already in a later round: skip ahead
    for (const round of [...this.votes.keys()].sort((a, b) => b - a)) {
      if (round <= r) break;
      if (this.oneThirdInRound(round)) {
        this.startRound(round);
        return true;
      }
    }

    if (this.step === RoundStep.Propose && p) {
      const id = hexId(p.body.blockId);
      const vr = polRound(p.body);
      const block = this.blocks.get(id)!;
      if (vr === -1) {
        // L22
        const ok =
          (this.lockedRound === -1 || this.lockedBlockId === id) && this.app.isValidBlock(p.body.blockId, block);
        this.prevote(ok ? id : NIL);
        return true;
      }
      if (vr < r && this.roundVotes(vr).prevotes.hasTwoThirdsFor(id)) {
        // L28
        const ok =
          (this.lockedRound <= vr || this.lockedBlockId === id) && this.app.isValidBlock(p.body.blockId, block);
        this.prevote(ok ? id : NIL);
        return true;
      }
    }

    // L34
    if (this.step === RoundStep.Prevote && rv.prevotes.hasTwoThirdsAny() && this.once(`prevote-wait:${r}`)) {
      this.emit({ kind: "timeout", height: this.height, round: r, step: "prevote" });
      return true;
    }

    // L36
    if (p && this.step >= RoundStep.Prevote) {
      const id = hexId(p.body.blockId);
      if (
        rv.prevotes.hasTwoThirdsFor(id) &&
        !this.fired.has(`l36:${r}`) &&
        this.app.isValidBlock(p.body.blockId, this.blocks.get(id)!)
      ) {
        this.fired.add(`l36:${r}`);
        if (this.step === RoundStep.Prevote) {
          this.lockedRound = r;
          this.lockedBlockId = id;
          this.emit({
            kind: "lock",
            height: this.height,
            round: r,
            blockId: p.body.blockId,
            block: this.blocks.get(id)!,
          });
          this.precommit(id);
        }
        this.validRound = r;
        this.validBlockId = id;
        return true;
      }
    }

    // L44
    if (this.step === RoundStep.Prevote && rv.prevotes.hasTwoThirdsFor(NIL)) {
      this.precommit(NIL);
      return true;
    }

    // L47
    if (rv.precommits.hasTwoThirdsAny() && this.once(`precommit-wait:${r}`)) {
      this.emit({ kind: "timeout", height: this.height, round: r, step: "precommit" });
      return true;
    }
    return false;
  }

  private once(key: string): boolean {
    if (this.fired.has(key)) return false;
    this.fired.add(key);
    return true;
  }

  private oneThirdInRound(round: number): boolean {
    const v = this.votes.get(round);
    if (!v) return false;
    const seen = new Set<string>();
    let power = 0n;
    for (const set of [v.prevotes, v.precommits]) {
      set.list().forEach((vote, i) => {
        if (!vote) return;
        const k = hexId(vote.body.validator);
        if (seen.has(k)) return;
        seen.add(k);
        power += this.vals[i].power;
      });
    }
    return isOneThird(power, this.total);
  }

  private roundVotes(round: number): RoundVotes {
    let v = this.votes.get(round);
    if (!v) {
      v = {
        prevotes: new VoteSet(this.height, round, VoteType.Prevote, this.vals),
        precommits: new VoteSet(this.height, round, VoteType.Precommit, this.vals),
      };
      this.votes.set(round, v);
    }
    return v;
  }

  private prevote(id: string): void {
    this.step = RoundStep.Prevote;
    this.castVote(VoteType.Prevote, id);
  }

  private precommit(id: string): void {
    this.step = RoundStep.Precommit;
    this.castVote(VoteType.Precommit, id);
  }

  private castVote(type: number, id: string): void {
    const me = this.signer.address;
    if (!me) return;
    const timestamp = id !== NIL && this.app.voteTime ? this.app.voteTime(id) : this.app.now();
    const v = this.signer.signVote({
      type,
      height: this.height,
      round: this.round,
      blockId: Buffer.from(id, "hex"),
      timestamp,
      validator: me,
    });
    if (!v) return;
    this.emit({ kind: "vote", vote: v });
    const set =
      type === VoteType.Prevote ? this.roundVotes(this.round).prevotes : this.roundVotes(this.round).precommits;
    set.add(v);
  }

  /**
   * Whether the core already holds this vote (so the driver need not log or re-feed it). A
   * different vote from the same validator is not held: it is fed, and becomes evidence.
   */
  hasVote(v: VoteValue): boolean {
    const b = v.body;
    if (b.height !== this.height) return false;
    const rv = this.votes.get(b.round);
    if (!rv) return false;
    return (b.type === VoteType.Prevote ? rv.prevotes : rv.precommits).hasVote(v);
  }

  /** Rounds of the current height that hold votes, ascending (vote gossip tells peers what we have). */
  voteRounds(): number[] {
    return [...this.votes.keys()].sort((a, b) => a - b);
  }

  /** Current-height votes for rebroadcast and for RPC. */
  votesOf(round: number): RoundVotes | undefined {
    return this.votes.get(round);
  }

  proposalOf(round: number): { proposal: ProposalValue; block: Uint8Array } | undefined {
    const p = this.proposals.get(round);
    if (!p) return undefined;
    return { proposal: p, block: this.blocks.get(hexId(p.body.blockId))! };
  }

  validators(): readonly ValidatorInfo[] {
    return this.vals;
  }
}
