// A proposal: the proposer's signed claim "at (height, round) I propose block X", with the
// proof-of-lock round (polRound, -1 if none) of the Tendermint algorithm.
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20, Bytes32, Bytes64, Uint32, Uint64Num } from "../state/encoding/types.ts";
import { domainSignBytes } from "./signBytes.ts";

/** polRound is stored +1 so that "none" (-1) fits an unsigned field. */
export const ProposalBody = new ContainerType(
  {
    height: Uint64Num,
    round: Uint32,
    polRoundPlusOne: Uint32,
    blockId: Bytes32,
    timestamp: Uint64Num,
    proposer: Bytes20,
  },
  { typeName: "ProposalBody" },
);
export const Proposal = new ContainerType({ body: ProposalBody, signature: Bytes64 }, { typeName: "Proposal" });
export type ProposalBodyValue = ValueOf<typeof ProposalBody>;
export type ProposalValue = ValueOf<typeof Proposal>;

const DOMAIN = new TextEncoder().encode("strata/proposal/v1");

export function proposalSignBytes(chainId: string, body: ProposalBodyValue): Uint8Array {
  return domainSignBytes(DOMAIN, chainId, ProposalBody.serialize(body));
}

export function polRound(p: ProposalBodyValue): number {
  return p.polRoundPlusOne - 1;
}
