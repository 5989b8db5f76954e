// What a restarted node does with its consensus WAL (node/consensusWal.ts) at the height it
// resumes: check that its own signed messages there are covered by sign_state, then feed the
// core everything recorded, in order, so it returns to the round and lock it had.
import type { ConsensusCore } from "../consensus/core.ts";
import { VoteType } from "../consensus/vote.ts";
import type { WalMessage } from "../consensus/walMessage.ts";
import type { FilePrivval } from "./privval.ts";

/** Throws (a fatal fault) if our own vote or proposal in the WAL is not covered by sign_state. */
export function checkOwnWalRecord(privval: FilePrivval | undefined, m: WalMessage): void {
  const me = privval?.address;
  if (!privval || !me) return;
  if (m.kind === "vote" && Buffer.compare(m.vote.body.validator, me) === 0) {
    const b = m.vote.body;
    privval.checkSigned(b.height, b.round, b.type === VoteType.Prevote ? "prevote" : "precommit");
  } else if (m.kind === "proposal" && Buffer.compare(m.proposal.body.proposer, me) === 0) {
    privval.checkSigned(m.proposal.body.height, m.proposal.body.round, "proposal");
  }
}

/** The round to resume at: past every round the WAL shows finished (a precommit timeout fired). */
export function resumeRound(signedRound: number, msgs: WalMessage[]): number {
  let round = signedRound;
  for (const m of msgs) if (m.kind === "timeout" && m.step === "precommit") round = Math.max(round, m.round + 1);
  return round;
}

/**
 * Feeds the core what the WAL recorded at `h`; `onProposalBlock` sees each proposal's block
 * first (its txs answer peers). Stops early when `stopped` turns true. Returns what it fed.
 */
export function replayWal(
  core: ConsensusCore,
  h: number,
  msgs: WalMessage[],
  onProposalBlock: (block: Uint8Array) => void,
  stopped: () => boolean,
): { proposals: number; votes: number; timeouts: number } {
  const n = { proposals: 0, votes: 0, timeouts: 0 };
  for (const m of msgs) {
    if (stopped()) break;
    if (m.kind === "proposal" && m.proposal.body.height === h) {
      n.proposals++;
      onProposalBlock(m.block);
      core.onProposal(m.proposal, m.block);
    } else if (m.kind === "vote" && m.vote.body.height === h) {
      n.votes++;
      core.onVote(m.vote);
    } else if (m.kind === "timeout" && m.height === h) {
      n.timeouts++;
      core.onTimeout(m.height, m.round, m.step);
    }
  }
  return n;
}
