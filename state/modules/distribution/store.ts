// distribution keys (prefix 0x03): F1 state per validator and per delegation.
import { ContainerType, ListCompositeType, UintBigintType, type ValueOf } from "@chainsafe/ssz";
import { Uint128, Uint32, Uint64Num } from "../../encoding/types.ts";
import { Prefix, prefixed } from "../../keys.ts";
import type { Overlay } from "../../store/overlay.ts";
import type { KVReader } from "../../store/types.ts";
import { record } from "../../store/record.ts";

export const Uint256 = new UintBigintType(32);
export const DistributionParams = new ContainerType(
  { communityTax: Uint128, inflationRate: Uint128 },
  { typeName: "DistributionParams" },
);
export const CurrentRewards = new ContainerType(
  { period: Uint64Num, rewards: Uint256 },
  { typeName: "CurrentRewards" },
);
/**
 * A closed period's cumulative reward per token, with the number of things that still read it:
 * the validator's current period (its predecessor), each delegation that started after it, each
 * slash event at it (Cosmos' ReferenceCount). At zero it is deleted, so the records kept per
 * validator are bounded by its delegations and slashes, not by how often they changed.
 */
export const HistoricalRewards = new ContainerType({ ratio: Uint256, refs: Uint32 }, { typeName: "HistoricalRewards" });
export type HistoricalRewardsValue = ValueOf<typeof HistoricalRewards>;
export const StartingInfo = new ContainerType(
  { previousPeriod: Uint64Num, stake: Uint128 },
  { typeName: "StartingInfo" },
);
export type DistributionParamsValue = ValueOf<typeof DistributionParams>;
export type CurrentRewardsValue = ValueOf<typeof CurrentRewards>;
export type StartingInfoValue = ValueOf<typeof StartingInfo>;
export const SlashEvents = new ListCompositeType(new ContainerType({ period: Uint64Num, fraction: Uint128 }), 1 << 16);
export type SlashEventValue = { period: number; fraction: bigint };

/** 2 % community tax, 7 %/year inflation (18-decimal fixed point). */
export const DEFAULT_DISTRIBUTION_PARAMS: DistributionParamsValue = {
  communityTax: 2n * 10n ** 16n,
  inflationRate: 7n * 10n ** 16n,
};

const K = {
  params: Uint8Array.of(Prefix.distribution, 0x01),
  current: Uint8Array.of(Prefix.distribution, 0x02),
  historical: Uint8Array.of(Prefix.distribution, 0x03),
  commission: Uint8Array.of(Prefix.distribution, 0x04),
  outstanding: Uint8Array.of(Prefix.distribution, 0x05),
  starting: Uint8Array.of(Prefix.distribution, 0x06),
  slashes: Uint8Array.of(Prefix.distribution, 0x07),
};
const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};

const params = record(K.params, DistributionParams, () => DEFAULT_DISTRIBUTION_PARAMS);
export const getParams = params.get;
export const setParams = params.set;
export function getCurrent(s: KVReader, v: Uint8Array): CurrentRewardsValue | undefined {
  const b = s.get(prefixed(K.current, v));
  return b ? CurrentRewards.deserialize(b) : undefined;
}
export function setCurrent(s: Overlay, v: Uint8Array, c: CurrentRewardsValue): void {
  s.set(prefixed(K.current, v), CurrentRewards.serialize(c));
}
export function getHistoricalRecord(s: KVReader, v: Uint8Array, period: number): HistoricalRewardsValue | undefined {
  const b = s.get(prefixed(K.historical, v, u64(period)));
  return b ? HistoricalRewards.deserialize(b) : undefined;
}
/** The ratio at the end of `period`; a record must exist for every period still referenced. */
export function getHistorical(s: KVReader, v: Uint8Array, period: number): bigint {
  const r = getHistoricalRecord(s, v, period);
  if (!r) throw new Error(`F1: no historical rewards for period ${period} (reference counting broken)`);
  return r.ratio;
}
export function setHistoricalRecord(
  s: Overlay,
  v: Uint8Array,
  period: number,
  r: HistoricalRewardsValue | undefined,
): void {
  if (r) s.set(prefixed(K.historical, v, u64(period)), HistoricalRewards.serialize(r));
  else s.del(prefixed(K.historical, v, u64(period)));
}
/** Key of a validator's historical record for `period` (tests count what is kept). */
export const historicalKey = (v: Uint8Array, period: number): Uint8Array => prefixed(K.historical, v, u64(period));
function getAmount(s: KVReader, key: Uint8Array): bigint {
  const b = s.get(key);
  return b ? Uint128.deserialize(b) : 0n;
}
export const getCommission = (s: KVReader, v: Uint8Array) => getAmount(s, prefixed(K.commission, v));
export const setCommission = (s: Overlay, v: Uint8Array, a: bigint) =>
  s.set(prefixed(K.commission, v), Uint128.serialize(a));
export const getOutstanding = (s: KVReader, v: Uint8Array) => getAmount(s, prefixed(K.outstanding, v));
export const setOutstanding = (s: Overlay, v: Uint8Array, a: bigint) =>
  s.set(prefixed(K.outstanding, v), Uint128.serialize(a));
export function getStarting(s: KVReader, d: Uint8Array, v: Uint8Array): StartingInfoValue | undefined {
  const b = s.get(prefixed(K.starting, d, v));
  return b ? StartingInfo.deserialize(b) : undefined;
}
export function setStarting(s: Overlay, d: Uint8Array, v: Uint8Array, i: StartingInfoValue | undefined): void {
  if (i) s.set(prefixed(K.starting, d, v), StartingInfo.serialize(i));
  else s.del(prefixed(K.starting, d, v));
}

/** A validator's slashes, in period order: after `period` ended, its stakes shrank by `fraction`. */
export function getSlashEvents(s: KVReader, v: Uint8Array): SlashEventValue[] {
  const b = s.get(prefixed(K.slashes, v));
  return b ? SlashEvents.deserialize(b) : [];
}
export function addSlashEvent(s: Overlay, v: Uint8Array, e: SlashEventValue): void {
  s.set(prefixed(K.slashes, v), SlashEvents.serialize([...getSlashEvents(s, v), e]));
}
