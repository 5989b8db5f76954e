import type { QueryDef } from "../../module.ts";
import type { KVReader } from "../../store/types.ts";
import { decodeAddress, encodeAddress } from "../../crypto/address.ts";
import { getDelegatorValidators } from "../staking/keeper.ts";
import { pendingRewards } from "./keeper.ts";
import { getCommission, getOutstanding } from "./store.ts";

export function queryRewards(s: KVReader, delegator: Uint8Array) {
  const rewards = getDelegatorValidators(s, delegator).map((v) => ({
    validator: encodeAddress(v),
    amount: pendingRewards(s, delegator, v).toString(),
  }));
  return { rewards, total: rewards.reduce((a, r) => a + BigInt(r.amount), 0n).toString() };
}

export function queryValidatorRewards(s: KVReader, operator: Uint8Array) {
  return { commission: getCommission(s, operator).toString(), outstanding: getOutstanding(s, operator).toString() };
}

/** distribution's queries, registered in its manifest. */
export const distributionQueries: Readonly<Record<string, QueryDef>> = {
  rewards: {
    summary: "a delegator's pending rewards per validator and in total",
    args: [{ name: "address", kind: "address" }],
    run: (s, a) => ({ delegator: a.address, ...queryRewards(s, decodeAddress(a.address!)) }),
  },
};
