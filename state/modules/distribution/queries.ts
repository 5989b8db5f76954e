import type { KVReader } from "../../store/types.ts";
import { encodeAddress } from "../../crypto/address.ts";
import { getDelegatorValidators } from "../staking/keeper.ts";
import { pendingRewards } from "./keeper.ts";
import { getCommission, getOutstanding } from "./store.ts";

export function queryRewards(s: KVReader, delegator: Uint8Array) {
  const rewards = getDelegatorValidators(s, delegator).map((v) => ({ validator: encodeAddress(v), amount: pendingRewards(s, delegator, v).toString() }));
  return { rewards, total: rewards.reduce((a, r) => a + BigInt(r.amount), 0n).toString() };
}

export function queryValidatorRewards(s: KVReader, operator: Uint8Array) {
  return { commission: getCommission(s, operator).toString(), outstanding: getOutstanding(s, operator).toString() };
}
