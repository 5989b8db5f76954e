// The validator set as the state machine hands it to consensus. Until the staking module
// (a later issue) owns it, it is fixed at genesis.
import { ByteListType, ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import { Bytes32, Uint64Num } from "./encoding/types.ts";
import { ChainKey } from "./keys.ts";
import { addressFromPubkey } from "./crypto/address.ts";
import type { Overlay } from "./store/overlay.ts";
import type { KVReader } from "./store/types.ts";

export const ValidatorEntry = new ContainerType(
  { pubkey: Bytes32, power: Uint64Num, moniker: new ByteListType(64) },
  { typeName: "ValidatorEntry" },
);
export const ValidatorList = new ListCompositeType(ValidatorEntry, 1024);
export type ValidatorEntryValue = ValueOf<typeof ValidatorEntry>;

/**
 * Three sets live in state, after block H: `validatorsLast` = S_H (signed H), `validators` =
 * S_{H+1} (signs the next block; the header's nextValidatorsHash), `validatorsPending` = S_{H+2}
 * (decided by staking at the end of H). Each block shifts them by one.
 */
export function getValidators(store: KVReader): ValidatorEntryValue[] {
  const b = store.get(ChainKey.validators);
  return b ? ValidatorList.deserialize(b) : [];
}

export function getLastValidators(store: KVReader): ValidatorEntryValue[] {
  const b = store.get(ChainKey.validatorsLast);
  return b ? ValidatorList.deserialize(b) : getValidators(store);
}

export function getPendingValidators(store: KVReader): ValidatorEntryValue[] {
  const b = store.get(ChainKey.validatorsPending);
  return b ? ValidatorList.deserialize(b) : getValidators(store);
}

/** Genesis: all three sets are the genesis set. */
export function setValidators(store: Overlay, vals: ValidatorEntryValue[]): void {
  const b = ValidatorList.serialize(vals);
  store.set(ChainKey.validators, b);
  store.set(ChainKey.validatorsLast, b);
  store.set(ChainKey.validatorsPending, b);
}

function setIfChanged(store: Overlay, key: Uint8Array, b: Uint8Array): void {
  const old = store.get(key);
  if (!old || Buffer.compare(old, b) !== 0) store.set(key, b);
}

/** End of block: last ← next, next ← pending, pending ← the set staking just decided. */
export function shiftValidatorSets(store: Overlay, decided: ValidatorEntryValue[]): void {
  const next = store.get(ChainKey.validators)!;
  const pending = store.get(ChainKey.validatorsPending) ?? next;
  setIfChanged(store, ChainKey.validatorsLast, next);
  setIfChanged(store, ChainKey.validators, pending);
  setIfChanged(store, ChainKey.validatorsPending, ValidatorList.serialize(decided));
}

/** What the header's validatorsHash commits to per validator: key and power, as CometBFT's SimpleValidator. */
const HashedValidator = new ContainerType({ pubkey: Bytes32, power: Uint64Num }, { typeName: "HashedValidator" });
const HashedValidatorList = new ListCompositeType(HashedValidator, 1024);

/**
 * The header's validatorsHash: the set's keys and powers in CometBFT's order (power descending,
 * then address ascending), whatever order the caller holds them in. Monikers and state order
 * are left out, so a light client can recompute it from the `validators` RPC alone.
 */
export function validatorsHash(vals: readonly { pubkey: Uint8Array; power: number }[]): Uint8Array {
  const keyed = vals.map((v) => ({ v, addr: addressFromPubkey(v.pubkey) }));
  keyed.sort((a, b) => (a.v.power !== b.v.power ? b.v.power - a.v.power : Buffer.compare(a.addr, b.addr)));
  return HashedValidatorList.hashTreeRoot(keyed.map(({ v }) => ({ pubkey: v.pubkey, power: v.power })));
}
