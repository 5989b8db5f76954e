// Vote gossip by pull, both sides (protocol in docs/protocol.md; wire in wire.ts): the asker
// describes what it holds of the current height, one bit per validator per round and type; the
// answerer sends every vote of that height the asker lacks, in any round (proof-of-lock rounds
// included), and the proposals of rounds it lacks. CometBFT's consensus reactor tracks per peer
// what it has (HasVote, NewRoundStep) and pushes; here the peer says it, which needs no state.
import { BitArray, type ValueOf } from "@chainsafe/ssz";
import type { ConsensusCore } from "../consensus/core.ts";
import type { VoteValue } from "../consensus/vote.ts";
import type { ProposalValue } from "../consensus/proposal.ts";
import {
  MAX_VOTE_ROUNDS,
  ProposalMsg,
  SyncKind,
  VoteMsg,
  VotesRequest,
  VotesResponse,
  type ProposalMsgValue,
} from "./wire.ts";

/** What the core holds of its height (ConsensusCore has all of it). */
export type HeldVotes = Pick<ConsensusCore, "height" | "round" | "voteRounds" | "votesOf" | "proposalOf">;

const MAX_VOTES = 8192;
const MAX_PROPOSALS = 16;

/** "At my height I hold these": the rounds with votes, and the current round. */
export function votesRequest(core: HeldVotes, validators: number): Uint8Array {
  const bits = (set: { list(): readonly (VoteValue | undefined)[] } | undefined) =>
    BitArray.fromBoolArray(set ? set.list().map((v) => v !== undefined) : new Array<boolean>(validators).fill(false));
  const rounds = [...new Set([...core.voteRounds(), core.round])]
    .sort((a, b) => b - a)
    .slice(0, MAX_VOTE_ROUNDS)
    .map((round) => {
      const v = core.votesOf(round);
      return {
        round,
        prevotes: bits(v?.prevotes),
        precommits: bits(v?.precommits),
        proposal: core.proposalOf(round) !== undefined,
      };
    });
  return VotesRequest.serialize({ kind: SyncKind.Votes, height: core.height, rounds });
}

/**
 * The answer to a votes request: what we hold of its height and the asker does not. Empty if
 * we are at another height (block sync serves a node that is behind).
 */
export function votesAnswer(
  core: HeldVotes,
  r: ValueOf<typeof VotesRequest>,
  proposalMsg: (p: ProposalValue, block: Uint8Array) => ProposalMsgValue,
): Uint8Array {
  if (r.height !== core.height) return VotesResponse.serialize({ votes: [], proposals: [] });
  const theirs = new Map(r.rounds.map((x) => [x.round, x]));
  const votes: { vote: VoteValue; nonce: number }[] = [];
  for (const round of core.voteRounds()) {
    const v = core.votesOf(round)!;
    const t = theirs.get(round);
    for (const [set, has] of [
      [v.prevotes, t?.prevotes],
      [v.precommits, t?.precommits],
    ] as const) {
      set.list().forEach((vote, i) => {
        if (vote && !(has && i < has.bitLen && has.get(i)) && votes.length < MAX_VOTES) votes.push({ vote, nonce: 0 });
      });
    }
  }
  const proposals: ProposalMsgValue[] = [];
  for (const round of new Set([...core.voteRounds(), core.round])) {
    const p = core.proposalOf(round);
    if (!p || theirs.get(round)?.proposal || proposals.length >= MAX_PROPOSALS) continue;
    proposals.push(proposalMsg(p.proposal, p.block));
  }
  return VotesResponse.serialize({ votes, proposals });
}

/** An answer as gossip payloads, to go through the same topic validation as gossip. */
export function answerAsGossip(res: Uint8Array): {
  proposals: Uint8Array[];
  votes: { vote: VoteValue; data: Uint8Array }[];
} {
  const r = VotesResponse.deserialize(res);
  return {
    proposals: r.proposals.map((m) => ProposalMsg.serialize(m)),
    votes: r.votes.map((m) => ({ vote: m.vote, data: VoteMsg.serialize(m) })),
  };
}
