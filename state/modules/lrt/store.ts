// lrt keys (prefix 0x06): params (weights over strategies), state, withdrawal requests.
import { BooleanType, ByteListType, ContainerType, ListCompositeType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20, Uint128, Uint32, Uint64Num } from "../../encoding/types.ts";
import { Prefix } from "../../keys.ts";
import { record } from "../../store/record.ts";
import { requestBook } from "../../store/requestBook.ts";

const E18 = 10n ** 18n;
export const Weight = new ContainerType({ strategy: new ByteListType(32), weight: Uint128 });
export const LrtParams = new ContainerType(
  {
    weights: new ListCompositeType(Weight, 64),
    withdrawalDelayMs: Uint64Num,
    fee: Uint128,
    epochBlocks: Uint32,
    treasury: Bytes20,
  },
  { typeName: "LrtParams" },
);
export const RatePoint = new ContainerType({ time: Uint64Num, rate: Uint128 });
/**
 * Pending withdrawals stay exposed to strategy slashes until claimed (EigenLayer: queued
 * withdrawals remain slashable during the delay). Each request holds `units` of the escrow;
 * a unit is worth `escrowMagnitude` / 10^18 ststra, and a slash lowers the magnitude by the
 * fraction the LRT lost, so every pending request loses the same fraction as every holder: O(1).
 * A loss that takes the magnitude below MIN_ESCROW_MAGNITUDE wipes the escrow's ststra: its
 * requests are worth nothing, and the next era starts again at 1.0 (so nothing is ever divided
 * by a magnitude near zero).
 * Holdings are the module's own records, never read from a balance: `idleStstra`/`idleStra` in
 * the LRT account (not allocated), `escrowStstra`/`escrowStra` in the escrow account.
 */
export const LrtState = new ContainerType(
  {
    nextRequestId: Uint64Num,
    history: new ListCompositeType(RatePoint, 64),
    escrowMagnitude: Uint128,
    escrowUnits: Uint128,
    escrowEra: Uint64Num,
    idleStstra: Uint128,
    idleStra: Uint128,
    escrowStstra: Uint128,
    escrowStra: Uint128,
    /** rststra this module has minted less what it burned: the invariants hold bank's supply to it */
    issued: Uint128,
  },
  { typeName: "LrtState" },
);
export const MIN_ESCROW_MAGNITUDE = 10n ** 9n;
/**
 * `ststra`/`stra`: what the request was worth when made (its share of each asset the LRT held);
 * `units`: its share of the escrow's ststra in era `era` (stra in escrow is not exposed).
 */
export const LrtRequest = new ContainerType(
  {
    id: Uint64Num,
    owner: Bytes20,
    ststra: Uint128,
    stra: Uint128,
    units: Uint128,
    era: Uint64Num,
    claimableAt: Uint64Num,
    claimed: new BooleanType(),
  },
  { typeName: "LrtRequest" },
);
export type LrtStateValue = ValueOf<typeof LrtState>;
export type LrtParamsValue = ValueOf<typeof LrtParams>;
export type LrtRequestValue = ValueOf<typeof LrtRequest>;

/** 14 days like EigenLayer's withdrawal delay; 10 % fee on strategy yield; epochs of 10 blocks. */
export const DEFAULT_LRT_PARAMS: LrtParamsValue = {
  weights: [],
  withdrawalDelayMs: 14 * 86_400_000,
  fee: E18 / 10n,
  epochBlocks: 10,
  treasury: new Uint8Array(20),
};

const K = {
  params: Uint8Array.of(Prefix.lrt, 0x01),
  state: Uint8Array.of(Prefix.lrt, 0x02),
  request: Uint8Array.of(Prefix.lrt, 0x03),
  owner: Uint8Array.of(Prefix.lrt, 0x04),
};

const params = record(K.params, LrtParams, () => DEFAULT_LRT_PARAMS);
export const getParams = params.get;
export const setParams = params.set;
const state = record<LrtStateValue>(K.state, LrtState, () => ({
  nextRequestId: 1,
  history: [],
  escrowMagnitude: E18,
  escrowUnits: 0n,
  escrowEra: 0,
  idleStstra: 0n,
  idleStra: 0n,
  escrowStstra: 0n,
  escrowStra: 0n,
  issued: 0n,
}));
export const getState = state.get;
export const setState = state.set;

const requests = requestBook<LrtRequestValue>(K.request, K.owner, LrtRequest);
export const getRequest = requests.get;
export const setRequest = requests.set;
export const getOwnerRequests = requests.ownerIds;
