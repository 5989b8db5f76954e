import type { QueryDef } from "../../module.ts";
import { decodeAddress } from "../../crypto/address.ts";
import { consensusAddress, requireValidator } from "../staking/keeper.ts";
import type { KVReader } from "../../store/types.ts";
import { getValidator, operatorByConsensusAddress } from "../staking/keeper.ts";
import { getParams, getSigningInfo } from "./store.ts";

export function querySigningInfo(s: KVReader, consAddr: Uint8Array) {
  const info = getSigningInfo(s, consAddr);
  const op = operatorByConsensusAddress(s, consAddr);
  const v = op ? getValidator(s, op) : undefined;
  const p = getParams(s);
  return {
    consensusAddress: Buffer.from(consAddr).toString("hex").toUpperCase(),
    startHeight: String(info?.startHeight ?? 0),
    indexOffset: String(info?.indexOffset ?? 0),
    missedBlocksCounter: String(info?.missedCounter ?? 0),
    signedBlocksWindow: String(p.signedBlocksWindow),
    jailed: v?.jailed ?? false,
    jailedUntil: v && v.jailed ? new Date(Math.min(v.jailedUntil, 8.64e15)).toISOString() : null,
    tombstoned: v?.tombstoned ?? false,
  };
}

/** slashing's queries, registered in its manifest. */
export const slashingQueries: Readonly<Record<string, QueryDef>> = {
  signing_info: {
    summary: "a validator's liveness record (by operator address): missed blocks, jailed, tombstoned",
    args: [{ name: "address", kind: "address" }],
    run: (s, a) => {
      const v = requireValidator(s, decodeAddress(a.address!));
      return { operator: a.address, ...querySigningInfo(s, consensusAddress(v.consensusPubkey)) };
    },
  },
};
