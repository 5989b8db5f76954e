// distribution: inflation and fees to the signers of the last block (begin block), F1 rewards.
import { genesisDef, type Module } from "../../module.ts";
import { distributionQueries } from "./queries.ts";
import { DEFAULT_DISTRIBUTION_PARAMS } from "./store.ts";
import { parseDistributionParams } from "./params.ts";
import { distributionInvariants } from "./invariants.ts";
import { paramsJson } from "../../paramsQuery.ts";
import { Prefix } from "../../keys.ts";
import { allocateRewards } from "./keeper.ts";
import { getParams, setParams } from "./store.ts";
import { withdrawRewardsMsg } from "./msgs/withdrawRewards.ts";
import { withdrawCommissionMsg } from "./msgs/withdrawCommission.ts";

export const distributionModule = {
  name: "distribution",
  queries: distributionQueries,
  msgs: { withdraw_rewards: withdrawRewardsMsg, withdraw_commission: withdrawCommissionMsg },
  genesis: genesisDef({
    key: "distribution",
    parse: (json, _g, field, fail) => parseDistributionParams(json, DEFAULT_DISTRIBUTION_PARAMS, field, fail),
    init: (ctx, p) => setParams(ctx.store, p),
    export: (s) => paramsJson(getParams(s)),
    // F1 records hold periods, not heights: carried as they are
    records: { prefix: Prefix.distribution },
  }),
  params: {
    update: (ctx, _signer, json, field, fail) =>
      setParams(ctx.store, parseDistributionParams(json, getParams(ctx.store), field, fail)),
  },
  beginBlock: (ctx, b) => allocateRewards(ctx, b.lastValidators, b.lastCommitSigners, b.lastBlockTime),
  invariants: distributionInvariants,
} as const satisfies Module;
