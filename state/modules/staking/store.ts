// staking keys (prefix 0x02). Lists that modules iterate (validators, unbonding queue, a
// delegator's validators) are single records: the store has point reads only, and these lists
// stay small (hundreds of validators; the queue holds only immature entries).
import { Prefix, prefixed } from "../../keys.ts";
import type { Overlay } from "../../store/overlay.ts";
import type { KVReader } from "../../store/types.ts";
import { record } from "../../store/record.ts";
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint64Num } from "../../encoding/types.ts";
import {
  Redelegations,
  RedelegationQueue,
  type RedelegationEntryValue,
  type RedelegationQueueItemValue,
  AddressList,
  Delegation,
  StakingParams,
  Unbonding,
  UnbondingQueue,
  Validator,
  DEFAULT_STAKING_PARAMS,
  type QueueItemValue,
  type StakingParamsValue,
  type UnbondingValue,
  type ValidatorValue,
} from "./types.ts";

const K = {
  params: Uint8Array.of(Prefix.staking, 0x01),
  validator: Uint8Array.of(Prefix.staking, 0x02),
  validatorIndex: Uint8Array.of(Prefix.staking, 0x03),
  delegation: Uint8Array.of(Prefix.staking, 0x04),
  delegatorIndex: Uint8Array.of(Prefix.staking, 0x05),
  unbonding: Uint8Array.of(Prefix.staking, 0x06),
  queue: Uint8Array.of(Prefix.staking, 0x07),
  byConsensus: Uint8Array.of(Prefix.staking, 0x08),
  redelegations: Uint8Array.of(Prefix.staking, 0x09),
  redelegationQueue: Uint8Array.of(Prefix.staking, 0x0a),
  /** consensus address → the ed25519 key behind it, kept for every key a validator ever used */
  consensusKey: Uint8Array.of(Prefix.staking, 0x0b),
  /** operator → its last consensus-key rotation (time, height) */
  rotation: Uint8Array.of(Prefix.staking, 0x0c),
};

/** Prefixes the invariants scan: every delegation (delegator20 validator20) and unbonding record. */
export const DELEGATION_PREFIX = K.delegation;
export const UNBONDING_PREFIX = K.unbonding;
/** Every redelegation record (delegator20 to20): the export rewrites their heights. */
export const REDELEGATION_PREFIX = K.redelegations;

const params = record(K.params, StakingParams, () => DEFAULT_STAKING_PARAMS);
export const getParams: (s: KVReader) => StakingParamsValue = params.get;
export const setParams = params.set;

export function getValidator(s: KVReader, operator: Uint8Array): ValidatorValue | undefined {
  const b = s.get(prefixed(K.validator, operator));
  return b ? Validator.deserialize(b) : undefined;
}
export function setValidator(s: Overlay, v: ValidatorValue): void {
  const isNew = !s.get(prefixed(K.validator, v.operator));
  s.set(prefixed(K.validator, v.operator), Validator.serialize(v));
  if (isNew) {
    s.set(K.validatorIndex, AddressList.serialize([...getValidatorOperators(s), v.operator]));
    recordConsensusKey(s, v.operator, v.consensusPubkey);
  }
}

/** The key maps to its operator for good: a rotated-out key stays attributable (evidence, liveness). */
export function recordConsensusKey(s: Overlay, operator: Uint8Array, pubkey: Uint8Array): void {
  const addr = consensusAddress(pubkey);
  s.set(prefixed(K.byConsensus, addr), operator);
  s.set(prefixed(K.consensusKey, addr), pubkey);
}

/** The ed25519 key behind a consensus address a validator uses or used. */
export function consensusKeyOf(s: KVReader, consAddr: Uint8Array): Uint8Array | undefined {
  return s.get(prefixed(K.consensusKey, consAddr)) ?? undefined;
}

export const Rotation = new ContainerType({ time: Uint64Num, height: Uint64Num }, { typeName: "KeyRotation" });
export function getRotation(s: KVReader, operator: Uint8Array): ValueOf<typeof Rotation> | undefined {
  const b = s.get(prefixed(K.rotation, operator));
  return b ? Rotation.deserialize(b) : undefined;
}
export function setRotation(s: Overlay, operator: Uint8Array, r: ValueOf<typeof Rotation>): void {
  s.set(prefixed(K.rotation, operator), Rotation.serialize(r));
}
export function getValidatorOperators(s: KVReader): Uint8Array[] {
  const b = s.get(K.validatorIndex);
  return b ? AddressList.deserialize(b) : [];
}
export function operatorByConsensusAddress(s: KVReader, consAddr: Uint8Array): Uint8Array | undefined {
  return s.get(prefixed(K.byConsensus, consAddr)) ?? undefined;
}

import { addressFromPubkey } from "../../crypto/address.ts";
export function consensusAddress(pubkey: Uint8Array): Uint8Array {
  return addressFromPubkey(pubkey);
}

export function getDelegationShares(s: KVReader, delegator: Uint8Array, validator: Uint8Array): bigint {
  const b = s.get(prefixed(K.delegation, delegator, validator));
  return b ? Delegation.deserialize(b).shares : 0n;
}
export function setDelegationShares(s: Overlay, delegator: Uint8Array, validator: Uint8Array, shares: bigint): void {
  const key = prefixed(K.delegation, delegator, validator);
  const idx = getDelegatorValidators(s, delegator);
  const has = idx.some((v) => Buffer.compare(v, validator) === 0);
  if (shares === 0n) {
    s.del(key);
    if (has)
      s.set(
        prefixed(K.delegatorIndex, delegator),
        AddressList.serialize(idx.filter((v) => Buffer.compare(v, validator) !== 0)),
      );
    return;
  }
  s.set(key, Delegation.serialize({ shares }));
  if (!has) s.set(prefixed(K.delegatorIndex, delegator), AddressList.serialize([...idx, validator]));
}
export function getDelegatorValidators(s: KVReader, delegator: Uint8Array): Uint8Array[] {
  const b = s.get(prefixed(K.delegatorIndex, delegator));
  return b ? AddressList.deserialize(b) : [];
}

export function getUnbonding(s: KVReader, delegator: Uint8Array, validator: Uint8Array): UnbondingValue {
  const b = s.get(prefixed(K.unbonding, delegator, validator));
  return b ? Unbonding.deserialize(b) : { entries: [] };
}
export function setUnbonding(s: Overlay, delegator: Uint8Array, validator: Uint8Array, u: UnbondingValue): void {
  const key = prefixed(K.unbonding, delegator, validator);
  if (u.entries.length === 0) s.del(key);
  else s.set(key, Unbonding.serialize(u));
}

export function getQueue(s: KVReader): QueueItemValue[] {
  const b = s.get(K.queue);
  return b ? UnbondingQueue.deserialize(b) : [];
}
export function setQueue(s: Overlay, q: QueueItemValue[]): void {
  s.set(K.queue, UnbondingQueue.serialize(q));
}

/** Redelegations into `to` by `delegator` (no-transitive-hop rule, slashing), with completion times. */
export function getRedelegationsInto(s: KVReader, delegator: Uint8Array, to: Uint8Array): RedelegationEntryValue[] {
  const b = s.get(prefixed(K.redelegations, delegator, to));
  return b ? Redelegations.deserialize(b) : [];
}
export function setRedelegationsInto(
  s: Overlay,
  delegator: Uint8Array,
  to: Uint8Array,
  list: RedelegationEntryValue[],
): void {
  const key = prefixed(K.redelegations, delegator, to);
  if (list.length === 0) s.del(key);
  else s.set(key, Redelegations.serialize(list));
}
export function getRedelegationQueue(s: KVReader): RedelegationQueueItemValue[] {
  const b = s.get(K.redelegationQueue);
  return b ? RedelegationQueue.deserialize(b) : [];
}
export function setRedelegationQueue(s: Overlay, q: RedelegationQueueItemValue[]): void {
  if (q.length === 0) s.del(K.redelegationQueue);
  else s.set(K.redelegationQueue, RedelegationQueue.serialize(q));
}
