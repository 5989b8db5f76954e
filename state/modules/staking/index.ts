// staking: validators, delegations as shares, unbonding and redelegation queues, jailing. Its end
// block matures unbondings and redelegations; the app asks it for the next validator set last.
import { genesisDef, type Module } from "../../module.ts";
import { stakingQueries } from "./queries.ts";
import { DEFAULT_STAKING_PARAMS } from "./types.ts";
import { parseStakingParams } from "./params.ts";
import { stakingInvariants } from "./invariants.ts";
import { paramsJson } from "../../paramsQuery.ts";
import { stakingRecords } from "./exportRecords.ts";
import { completeRedelegations, completeUnbondings } from "./keeper.ts";
import { getParams, setParams } from "./store.ts";
import { createValidatorMsg } from "./msgs/createValidator.ts";
import { editValidatorMsg } from "./msgs/editValidator.ts";
import { delegateMsg } from "./msgs/delegate.ts";
import { undelegateMsg } from "./msgs/undelegate.ts";
import { redelegateMsg } from "./msgs/redelegate.ts";
import { rotateConsPubkeyMsg } from "./msgs/rotateConsPubkey.ts";

export const stakingModule = {
  name: "staking",
  queries: stakingQueries,
  msgs: {
    create_validator: createValidatorMsg,
    edit_validator: editValidatorMsg,
    delegate: delegateMsg,
    undelegate: undelegateMsg,
    redelegate: redelegateMsg,
    rotate_cons_pubkey: rotateConsPubkeyMsg,
  },
  // a new unbonding time applies to entries begun from now on (the queues stay in order)
  genesis: genesisDef({
    key: "staking",
    parse: (json, _g, field, fail) => parseStakingParams(json, DEFAULT_STAKING_PARAMS, field, fail),
    init: (ctx, p) => setParams(ctx.store, p),
    export: (s) => paramsJson(getParams(s)),
    records: stakingRecords,
  }),
  params: {
    update: (ctx, _signer, json, field, fail) =>
      setParams(ctx.store, parseStakingParams(json, getParams(ctx.store), field, fail)),
  },
  endBlock: (ctx) => {
    completeUnbondings(ctx);
    completeRedelegations(ctx);
  },
  invariants: stakingInvariants,
} as const satisfies Module;
