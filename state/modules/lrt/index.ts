// lrt: liquid restaking; its epoch (after the LST's) collects service rewards and rebalances.
import type { Module } from "../../module.ts";
import { parseLrtParams } from "../../paramsParse.ts";
import { lrtInvariants } from "./invariants.ts";
import { maybeRunEpoch } from "./keeper.ts";
import { getParams, setParams } from "./store.ts";
import { serviceIds } from "../strategy/service.ts";
import { restakeMsg } from "./msgs/restake.ts";
import { requestWithdrawalMsg } from "./msgs/requestWithdrawal.ts";
import { claimMsg } from "./msgs/claim.ts";

export const lrtModule: Module = {
  name: "lrt",
  msgs: { restake: restakeMsg, request_withdrawal: requestWithdrawalMsg, claim: claimMsg },
  params: { update: (ctx, _signer, json, field, fail) => setParams(ctx.store, parseLrtParams(json, getParams(ctx.store), serviceIds(ctx.store), field, fail)) },
  endBlock: maybeRunEpoch,
  invariants: lrtInvariants,
};
