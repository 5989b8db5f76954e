// lrt: liquid restaking; its epoch (after the LST's) collects service rewards and rebalances.
import { genesisDef, type Module } from "../../module.ts";
import { lrtQueries } from "./queries.ts";
import { DEFAULT_LRT_PARAMS } from "./store.ts";
import { genesisServiceIds } from "../strategy/keeper.ts";
import { parseLrtParams } from "./params.ts";
import { lrtInvariants } from "./invariants.ts";
import { maybeRunEpoch } from "./keeper.ts";
import { getParams, setParams } from "./store.ts";
import { serviceIds } from "../strategy/keeper.ts";
import { restakeMsg } from "./msgs/restake.ts";
import { requestWithdrawalMsg } from "./msgs/requestWithdrawal.ts";
import { claimMsg } from "./msgs/claim.ts";
import { paramsJson } from "../../paramsQuery.ts";
import { Prefix } from "../../keys.ts";

export const lrtModule = {
  name: "lrt",
  queries: lrtQueries,
  msgs: { restake: restakeMsg, request_withdrawal: requestWithdrawalMsg, claim: claimMsg },
  genesis: genesisDef({
    key: "lrt",
    // weights may name the service strategies of the same genesis; the treasury defaults to the authority
    parse: (json, g, field, fail) => {
      const p = parseLrtParams(json, DEFAULT_LRT_PARAMS, genesisServiceIds(g.params.strategies), field, fail);
      return p.treasury.every((b) => b === 0) ? { ...p, treasury: g.authority } : p;
    },
    init: (ctx, p) => setParams(ctx.store, p),
    export: (s) => paramsJson(getParams(s)),
    // requests and history hold times and ids, not heights: carried as they are
    records: { prefix: Prefix.lrt },
  }),
  params: {
    update: (ctx, _signer, json, field, fail) =>
      setParams(ctx.store, parseLrtParams(json, getParams(ctx.store), serviceIds(ctx.store), field, fail)),
  },
  endBlock: maybeRunEpoch,
  invariants: lrtInvariants,
} as const satisfies Module;
