// lst keys (prefix 0x05): params, module state, withdrawal requests, per-epoch batches.
import { BooleanType, ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20, Uint128, Uint32, Uint64Num } from "../../encoding/types.ts";
import { Prefix } from "../../keys.ts";
import { record } from "../../store/record.ts";
import { requestBook } from "../../store/requestBook.ts";

const E18 = 10n ** 18n;
export const LstParams = new ContainerType(
  {
    epochBlocks: Uint32,
    protocolFee: Uint128,
    maxValidatorShare: Uint128,
    maxRateDrop: Uint128,
    maxRateRise: Uint128,
    treasury: Bytes20,
  },
  { typeName: "LstParams" },
);
export const RatePoint = new ContainerType({ epoch: Uint64Num, time: Uint64Num, rate: Uint128 });
/**
 * One epoch's withdrawals while they unbond: `amount` stra was undelegated at `creationHeight`;
 * `slashed` of it was cut on the way (claims of the batch are paid pro rata); `claimed` sums the
 * nominal amounts of the requests already paid.
 */
export const OpenBatch = new ContainerType({
  epoch: Uint64Num,
  completionTime: Uint64Num,
  amount: Uint128,
  claimed: Uint128,
  creationHeight: Uint64Num,
  slashed: Uint128,
});
/**
 * `firstPendingId`..`nextRequestId` − 1 are this epoch's requests, not yet finalized: their ststra
 * is held in escrow by the module and still shares the pool's gains and losses until the epoch
 * ends. `pendingUnbond` is only non-zero inside the epoch step, between finalizing and unbonding.
 * `idle`: stra the pool owns but has not delegated yet (rewards received since the last
 * compound), booked from the module's own records, never read from its balance, so a donation
 * moves no rate. `rewardsSinceEpoch`: the rewards booked since the last epoch, on which the
 * protocol fee is due at the epoch's end.
 */
export const LstState = new ContainerType(
  {
    epoch: Uint64Num,
    pendingUnbond: Uint128,
    halted: new BooleanType(),
    nextRequestId: Uint64Num,
    firstPendingId: Uint64Num,
    history: new ListCompositeType(RatePoint, 64),
    openBatches: new ListCompositeType(OpenBatch, 4096),
    idle: Uint128,
    rewardsSinceEpoch: Uint128,
    /** ststra this module has minted less what it burned: the invariants hold bank's supply to it */
    issued: Uint128,
  },
  { typeName: "LstState" },
);
/** `amount`: stra owed (before finalizing: the most it can be); `shares`: ststra escrowed for it. */
export const Request = new ContainerType(
  {
    id: Uint64Num,
    owner: Bytes20,
    amount: Uint128,
    shares: Uint128,
    epoch: Uint64Num,
    requestedAt: Uint64Num,
    claimed: new BooleanType(),
  },
  { typeName: "LstRequest" },
);

export type LstParamsValue = ValueOf<typeof LstParams>;
export type LstStateValue = ValueOf<typeof LstState>;
export type OpenBatchValue = ValueOf<typeof OpenBatch>;
export type RequestValue = ValueOf<typeof Request>;

/** Devnet-friendly epoch of 10 blocks; 10 % fee; no per-validator cap; breaker at −1 % / +0.5 %. */
export const DEFAULT_LST_PARAMS: LstParamsValue = {
  epochBlocks: 10,
  protocolFee: E18 / 10n,
  maxValidatorShare: E18,
  maxRateDrop: E18 / 100n,
  maxRateRise: E18 / 200n,
  treasury: new Uint8Array(20),
};

const K = {
  params: Uint8Array.of(Prefix.lst, 0x01),
  state: Uint8Array.of(Prefix.lst, 0x02),
  request: Uint8Array.of(Prefix.lst, 0x03),
  owner: Uint8Array.of(Prefix.lst, 0x04),
};

/** The module's one state record: the export rewrites the heights in it. */
export const LST_STATE_KEY = K.state;

const params = record(K.params, LstParams, () => DEFAULT_LST_PARAMS);
export const getParams = params.get;
export const setParams = params.set;
const state = record<LstStateValue>(K.state, LstState, () => ({
  epoch: 0,
  pendingUnbond: 0n,
  halted: false,
  nextRequestId: 1,
  firstPendingId: 1,
  history: [],
  openBatches: [],
  idle: 0n,
  rewardsSinceEpoch: 0n,
  issued: 0n,
}));
export const getState = state.get;
export const setState = state.set;
const requests = requestBook<RequestValue>(K.request, K.owner, Request);
export const getRequest = requests.get;
export const setRequest = requests.set;
export const getOwnerRequests = requests.ownerIds;
