// The validator set as the state machine hands it to consensus. Until the staking module
// (a later issue) owns it, it is fixed at genesis.
import { ByteListType, ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import { Bytes32, Uint64Num } from "./encoding/types.ts";
import { ChainKey } from "./keys.ts";
import type { Overlay } from "./store/overlay.ts";
import type { KVReader } from "./store/types.ts";

export const ValidatorEntry = new ContainerType(
  { pubkey: Bytes32, power: Uint64Num, moniker: new ByteListType(64) },
  { typeName: "ValidatorEntry" },
);
export const ValidatorList = new ListCompositeType(ValidatorEntry, 1024);
export type ValidatorEntryValue = ValueOf<typeof ValidatorEntry>;

export function getValidators(store: KVReader): ValidatorEntryValue[] {
  const b = store.get(ChainKey.validators);
  return b ? ValidatorList.deserialize(b) : [];
}

export function setValidators(store: Overlay, vals: ValidatorEntryValue[]): void {
  store.set(ChainKey.validators, ValidatorList.serialize(vals));
}

/** Commits to the set (keys and powers, in order): the header's validatorsHash. */
export function validatorsHash(vals: ValidatorEntryValue[]): Uint8Array {
  return ValidatorList.hashTreeRoot(vals);
}
