// strategy keys (prefix 0x07): the registry (genesis), service state per strategy, pool state,
// and LP shares. Each strategy holds its assets in its own module account.
import { BooleanType, ByteListType, ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20, Uint128, Uint64Num, Uint8 } from "../../encoding/types.ts";
import { Prefix, prefixed } from "../../keys.ts";
import { moduleAddress } from "../../crypto/address.ts";
import { record } from "../../store/record.ts";
import type { Overlay } from "../../store/overlay.ts";
import type { KVReader } from "../../store/types.ts";

export const StrategyKind = { Service: 1, Pool: 2 } as const;
export const StrategyDef = new ContainerType(
  // slashFraction: cut of an operator's allocation when it double signs; downtimeSlashFraction:
  // the service's fault rule for an operator jailed for downtime (0 = the service ignores it)
  {
    id: new ByteListType(32),
    kind: Uint8,
    rewardRate: Uint128,
    slashFraction: Uint128,
    downtimeSlashFraction: Uint128,
  },
  { typeName: "StrategyDef" },
);
export const Registry = new ListCompositeType(StrategyDef, 64);
export const OperatorAlloc = new ContainerType({
  operator: Bytes20,
  alloc: Uint128,
  magnitude: Uint128,
  active: new BooleanType(),
});
export const ServiceState = new ContainerType(
  { operators: new ListCompositeType(OperatorAlloc, 256), lastAccrual: Uint64Num },
  { typeName: "ServiceState" },
);
export const PoolState = new ContainerType(
  { reserveStra: Uint128, reserveStstra: Uint128, lpSupply: Uint128 },
  { typeName: "PoolState" },
);

export type StrategyDefValue = ValueOf<typeof StrategyDef>;
export type ServiceStateValue = ValueOf<typeof ServiceState>;
export type PoolStateValue = ValueOf<typeof PoolState>;

const K = {
  registry: Uint8Array.of(Prefix.strategy, 0x01),
  service: Uint8Array.of(Prefix.strategy, 0x02),
  pool: Uint8Array.of(Prefix.strategy, 0x03),
  lp: Uint8Array.of(Prefix.strategy, 0x04),
};
const utf8 = new TextEncoder();

const registry = record(K.registry, Registry, () => []);
export const getRegistry = registry.get;
/** The registry's stored encoding (undefined: no strategies), for memos keyed on it. */
export function registryBytes(s: KVReader): Uint8Array | undefined {
  return s.get(K.registry);
}
export const setRegistry = registry.set;

export function strategyAccount(id: string): Uint8Array {
  return moduleAddress(`strategy/${id}`);
}
export function strategyName(d: StrategyDefValue): string {
  return Buffer.from(d.id).toString();
}
export function findStrategy(s: KVReader, id: string): StrategyDefValue | undefined {
  return getRegistry(s).find((d) => strategyName(d) === id);
}

export function getService(s: KVReader, id: string): ServiceStateValue {
  const b = s.get(prefixed(K.service, utf8.encode(id)));
  return b ? ServiceState.deserialize(b) : { operators: [], lastAccrual: 0 };
}
export function setService(s: Overlay, id: string, v: ServiceStateValue): void {
  s.set(prefixed(K.service, utf8.encode(id)), ServiceState.serialize(v));
}
export function getPool(s: KVReader, id: string): PoolStateValue {
  const b = s.get(prefixed(K.pool, utf8.encode(id)));
  return b ? PoolState.deserialize(b) : { reserveStra: 0n, reserveStstra: 0n, lpSupply: 0n };
}
export function setPool(s: Overlay, id: string, v: PoolStateValue): void {
  s.set(prefixed(K.pool, utf8.encode(id)), PoolState.serialize(v));
}
export function getLp(s: KVReader, id: string, holder: Uint8Array): bigint {
  const b = s.get(prefixed(K.lp, utf8.encode(id), Uint8Array.of(0), holder));
  return b ? Uint128.deserialize(b) : 0n;
}
export function setLp(s: Overlay, id: string, holder: Uint8Array, v: bigint): void {
  const key = prefixed(K.lp, utf8.encode(id), Uint8Array.of(0), holder);
  if (v === 0n) s.del(key);
  else s.set(key, Uint128.serialize(v));
}
