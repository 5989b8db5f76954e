// The topic validator for consensus gossip: cheap checks and one signature per message. It says
// "reject" (the peer is penalised) only for provably bad messages; stale or far-future ones are
// "ignore" (not forwarded, no blame), since an honest peer sends those near a height change.
import { proposalSignBytes } from "../consensus/proposal.ts";
import { VoteType, voteSignBytes } from "../consensus/vote.ts";
import type { ValidatorInfo } from "../consensus/types.ts";
import { verifySignature } from "../state/crypto/ed25519.ts";
import { decodeTxBatch } from "./txBatchValidity.ts";
import type { DecodedTx } from "../state/tx/decodeTx.ts";
import { VoteMsg, type ProposalMsgValue } from "./wire.ts";

export type Verdict = "accept" | "reject" | "ignore";
export type GossipTopic = "tx" | "proposal" | "vote" | "evidence";

export type VerdictContext = {
  chainId: string;
  /** the height consensus is at */
  height: number;
  /** this height's validator by hex address */
  validator(addressHex: string): ValidatorInfo | undefined;
  decodeProposal(data: Uint8Array): ProposalMsgValue;
  /** counts a signature verification (bench figures) */
  verified(): void;
  /** evidence: verified against the committed chain and, if valid, kept in the pool (node/evidenceGossip.ts) */
  evidence(data: Uint8Array): Verdict;
  /** hands on the txs of an accepted tx batch, decoded, so the mempool does not decode them again */
  txBatchDecoded?(data: Uint8Array, txs: DecodedTx[]): void;
};

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** PERF: one decode and at most one ed25519 verify per message. */
export function gossipVerdict(topic: GossipTopic, data: Uint8Array, ctx: VerdictContext): Verdict {
  try {
    if (topic === "tx") {
      const txs = decodeTxBatch(data, ctx.chainId);
      if (txs) ctx.txBatchDecoded?.(data, txs);
      return txs ? "accept" : "reject";
    }
    if (topic === "evidence") return ctx.evidence(data);
    if (topic === "vote") {
      const { vote } = VoteMsg.deserialize(data);
      const b = vote.body;
      if (b.type !== VoteType.Prevote && b.type !== VoteType.Precommit) return "reject";
      if (b.height < ctx.height) return "ignore"; // stale: harmless, not the peer's fault
      if (b.height > ctx.height + 1) return "ignore";
      const v = ctx.validator(hex(b.validator));
      if (!v) return b.height === ctx.height ? "reject" : "ignore";
      ctx.verified();
      return verifySignature(v.pubkey, voteSignBytes(ctx.chainId, b), vote.signature) ? "accept" : "reject";
    }
    const { proposal } = ctx.decodeProposal(data);
    const b = proposal.body;
    if (b.height < ctx.height) return "ignore";
    if (b.height > ctx.height + 1) return "ignore";
    const v = ctx.validator(hex(b.proposer));
    if (!v) return b.height === ctx.height ? "reject" : "ignore";
    ctx.verified();
    return verifySignature(v.pubkey, proposalSignBytes(ctx.chainId, b), proposal.signature) ? "accept" : "reject";
  } catch {
    return "reject"; // does not decode
  }
}
