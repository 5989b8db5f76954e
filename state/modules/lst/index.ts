// lst: liquid staking; its epoch runs at the end of the block, after matured unbondings paid it.
import { genesisDef, type Module } from "../../module.ts";
import { lstQueries } from "./queries.ts";
import { DEFAULT_LST_PARAMS } from "./store.ts";
import { parseLstParams } from "./params.ts";
import { lstInvariants } from "./invariants.ts";
import { maybeRunEpoch } from "./keeper.ts";
import { getParams, setParams } from "./store.ts";
import { stakeMsg } from "./msgs/stake.ts";
import { unstakeMsg } from "./msgs/unstake.ts";
import { claimMsg } from "./msgs/claim.ts";
import { resumeMsg } from "./msgs/resume.ts";
import { paramsJson } from "../../paramsQuery.ts";
import { lstRecords } from "./exportRecords.ts";

export const lstModule = {
  name: "lst",
  queries: lstQueries,
  msgs: { stake: stakeMsg, unstake: unstakeMsg, claim: claimMsg, resume: resumeMsg },
  genesis: genesisDef({
    key: "lst",
    // the treasury defaults to the genesis authority
    parse: (json, g, field, fail) => {
      const p = parseLstParams(json, DEFAULT_LST_PARAMS, field, fail);
      return p.treasury.every((b) => b === 0) ? { ...p, treasury: g.authority } : p;
    },
    init: (ctx, p) => setParams(ctx.store, p),
    export: (s) => paramsJson(getParams(s)),
    records: lstRecords,
  }),
  params: {
    update: (ctx, _signer, json, field, fail) =>
      setParams(ctx.store, parseLstParams(json, getParams(ctx.store), field, fail)),
  },
  endBlock: maybeRunEpoch,
  invariants: lstInvariants,
} as const satisfies Module;
