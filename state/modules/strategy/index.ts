// strategy: the registry of services and pools the LRT allocates to (and anyone can swap in).
import type { Module } from "../../module.ts";
import { strategyQueries } from "./queries.ts";
import { strategyInvariants } from "./invariants.ts";
import { strategyGenesis } from "./genesis.ts";
import { addStrategies } from "./params.ts";
import { optInMsg } from "./msgs/optIn.ts";
import { optOutMsg } from "./msgs/optOut.ts";
import { swapMsg } from "./msgs/swap.ts";
import { addLiquidityMsg } from "./msgs/addLiquidity.ts";
import { removeLiquidityMsg } from "./msgs/removeLiquidity.ts";

export const strategyModule = {
  name: "strategy",
  queries: strategyQueries,
  msgs: {
    opt_in: optInMsg,
    opt_out: optOutMsg,
    swap: swapMsg,
    add_liquidity: addLiquidityMsg,
    remove_liquidity: removeLiquidityMsg,
  },
  genesis: strategyGenesis,
  params: { update: addStrategies },
  invariants: strategyInvariants,
} as const satisfies Module;
