// staking records (SSZ). Amounts are base units (1 stra = 10^18); rates are 18-decimal fixed point.
import { BooleanType, ByteListType, ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20, Bytes32, Uint128, Uint64Num, Uint8, Uint32 } from "../../encoding/types.ts";

export const ValidatorStatus = { Unbonded: 1, Bonded: 3 } as const;

export const StakingParams = new ContainerType(
  {
    unbondingTimeMs: Uint64Num,
    maxValidators: Uint32,
    maxEntries: Uint32,
    minSelfStake: Uint128,
    commissionChangeIntervalMs: Uint64Num,
    maxCommissionChange: Uint128,
  },
  { typeName: "StakingParams" },
);

export const Validator = new ContainerType(
  {
    operator: Bytes20,
    consensusPubkey: Bytes32,
    moniker: new ByteListType(64),
    commissionRate: Uint128,
    maxCommissionRate: Uint128,
    tokens: Uint128,
    shares: Uint128,
    status: Uint8,
    jailed: new BooleanType(),
    tombstoned: new BooleanType(),
    jailedUntil: Uint64Num,
    commissionUpdatedAt: Uint64Num,
  },
  { typeName: "Validator" },
);

export const AddressList = new ListCompositeType(Bytes20, 1 << 20);
export const Delegation = new ContainerType({ shares: Uint128 }, { typeName: "Delegation" });
export const UnbondingEntry = new ContainerType(
  { creationHeight: Uint64Num, completionTime: Uint64Num, initialBalance: Uint128, balance: Uint128 },
  { typeName: "UnbondingEntry" },
);
export const Unbonding = new ContainerType(
  { entries: new ListCompositeType(UnbondingEntry, 4096) },
  { typeName: "Unbonding" },
);
export const QueueItem = new ContainerType(
  { completionTime: Uint64Num, delegator: Bytes20, validator: Bytes20 },
  { typeName: "QueueItem" },
);
export const UnbondingQueue = new ListCompositeType(QueueItem, 1 << 20);

export type StakingParamsValue = ValueOf<typeof StakingParams>;
export type ValidatorValue = ValueOf<typeof Validator>;
export type UnbondingValue = ValueOf<typeof Unbonding>;
export type QueueItemValue = ValueOf<typeof QueueItem>;

const DAY = 86_400_000;
/** Commission may change once a day by at most 1 percentage point (Cosmos' max change rate). */
export const DEFAULT_STAKING_PARAMS: StakingParamsValue = {
  unbondingTimeMs: 21 * DAY,
  maxValidators: 100,
  maxEntries: 7,
  minSelfStake: 10n ** 18n,
  commissionChangeIntervalMs: DAY,
  maxCommissionChange: 10n ** 16n,
};
/**
 * A delegator's immature redelegations into one validator. Each entry remembers where the stake
 * came from, when, how much, and the destination shares it bought: if the source validator is
 * slashed for an infraction at or before `creationHeight`, those shares answer for it.
 */
export const RedelegationEntry = new ContainerType(
  { completionTime: Uint64Num, from: Bytes20, creationHeight: Uint64Num, initialBalance: Uint128, sharesDst: Uint128 },
  { typeName: "RedelegationEntry" },
);
export const Redelegations = new ListCompositeType(RedelegationEntry, 64);
/** Immature redelegations in completion order, for slashing by source and for pruning. */
export const RedelegationQueueItem = new ContainerType(
  { completionTime: Uint64Num, delegator: Bytes20, from: Bytes20, to: Bytes20 },
  { typeName: "RedelegationQueueItem" },
);
export const RedelegationQueue = new ListCompositeType(RedelegationQueueItem, 1 << 20);
export type RedelegationEntryValue = ValueOf<typeof RedelegationEntry>;
export type RedelegationQueueItemValue = ValueOf<typeof RedelegationQueueItem>;
