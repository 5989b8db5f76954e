// What the consensus WAL records (as CometBFT's consensus/wal.go): everything the core of one
// height was fed — proposals with their full block, votes (received and our own) and the
// timeouts delivered to it — so a restarted node can feed it the same again. Pure encoding
// (SSZ, one kind byte in front); the file, framing and fsync live in node/consensusWal.ts.
import { ByteListType, ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint32, Uint64Num, Uint8 } from "../state/encoding/types.ts";
import { Proposal, type ProposalValue } from "./proposal.ts";
import { Vote, type VoteValue } from "./vote.ts";
import type { TimeoutStepValue } from "./types.ts";

const MAX_WAL_BLOCK_BYTES = 64 * 1024 * 1024;

export const WalKind = { Height: 1, Proposal: 2, Vote: 3, Timeout: 4 } as const;

const HeightRec = new ContainerType({ height: Uint64Num }, { typeName: "WalHeight" });
const ProposalRec = new ContainerType(
  { proposal: Proposal, block: new ByteListType(MAX_WAL_BLOCK_BYTES) },
  { typeName: "WalProposal" },
);
const TimeoutRec = new ContainerType({ height: Uint64Num, round: Uint32, step: Uint8 }, { typeName: "WalTimeout" });

const STEPS: readonly TimeoutStepValue[] = ["propose", "prevote", "precommit"];

export type WalMessage =
  | { kind: "height"; height: number }
  | { kind: "proposal"; proposal: ProposalValue; block: Uint8Array }
  | { kind: "vote"; vote: VoteValue }
  | { kind: "timeout"; height: number; round: number; step: TimeoutStepValue };

export type WalProposalValue = ValueOf<typeof ProposalRec>;

function withKind(kind: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = kind;
  out.set(body, 1);
  return out;
}

export function encodeWalMessage(m: WalMessage): Uint8Array {
  switch (m.kind) {
    case "height":
      return withKind(WalKind.Height, HeightRec.serialize({ height: m.height }));
    case "proposal":
      return withKind(WalKind.Proposal, ProposalRec.serialize({ proposal: m.proposal, block: m.block }));
    case "vote":
      return withKind(WalKind.Vote, Vote.serialize(m.vote));
    case "timeout":
      return withKind(
        WalKind.Timeout,
        TimeoutRec.serialize({ height: m.height, round: m.round, step: STEPS.indexOf(m.step) }),
      );
  }
}

/** Throws on bytes that do not decode (the framing's checksum makes that a bug, not a torn write). */
export function decodeWalMessage(b: Uint8Array): WalMessage {
  const body = b.subarray(1);
  switch (b[0]) {
    case WalKind.Height:
      return { kind: "height", height: HeightRec.deserialize(body).height };
    case WalKind.Proposal: {
      const p = ProposalRec.deserialize(body);
      return { kind: "proposal", proposal: p.proposal, block: p.block };
    }
    case WalKind.Vote:
      return { kind: "vote", vote: Vote.deserialize(body) };
    case WalKind.Timeout: {
      const t = TimeoutRec.deserialize(body);
      const step = STEPS[t.step];
      if (!step) throw new Error(`WAL timeout record with unknown step ${t.step}`);
      return { kind: "timeout", height: t.height, round: t.round, step };
    }
    default:
      throw new Error(`WAL record of unknown kind ${b[0]}`);
  }
}
