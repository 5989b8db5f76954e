// chain_yields: the three layers side by side, measured from chain state — the staking APR
// implied by inflation, community tax, bonded ratio and commissions; the LST and LRT APRs from
// their recorded rate histories; the ststra depeg (pool price / redemption rate − 1); and the
// LRT's exposure per strategy and operator.
import type { KVReader } from "./store/types.ts";
import { getBalance, getSupply } from "./modules/bank/keeper.ts";
import { BONDED_POOL } from "./modules/staking/keeper.ts";
import { getValidator, getValidatorOperators } from "./modules/staking/store.ts";
import { ValidatorStatus } from "./modules/staking/types.ts";
import { getParams as getDistParams } from "./modules/distribution/store.ts";
import { queryLstState, redemptionRate } from "./modules/lst/keeper.ts";
import { queryLrtState } from "./modules/lrt/keeper.ts";
import { getPool, getRegistry, strategyName, StrategyKind } from "./modules/strategy/store.ts";
import { poolPrice } from "./modules/strategy/pool.ts";

const E18 = 10n ** 18n;

export function chainYields(s: KVReader) {
  const d = getDistParams(s);
  const supply = getSupply(s, "stra");
  const bonded = getBalance(s, BONDED_POOL, "stra");
  const vals = getValidatorOperators(s)
    .map((op) => getValidator(s, op)!)
    .filter((v) => v.status === ValidatorStatus.Bonded);
  const tokens = vals.reduce((a, v) => a + v.tokens, 0n);
  const avgCommission = tokens === 0n ? 0n : vals.reduce((a, v) => a + v.commissionRate * v.tokens, 0n) / tokens;
  const stakingApr =
    bonded === 0n
      ? 0n
      : (((d.inflationRate * supply) / bonded) * (E18 - d.communityTax) * (E18 - avgCommission)) / (E18 * E18);
  const lst = queryLstState(s);
  const lrt = queryLrtState(s);
  const rate = redemptionRate(s);
  const pools = getRegistry(s)
    .filter((x) => x.kind === StrategyKind.Pool)
    .map((x) => {
      const p = getPool(s, strategyName(x));
      const price = poolPrice(p);
      return {
        pool: strategyName(x),
        price: price.toString(),
        depeg: price === 0n || rate === 0n ? null : (((price - rate) * E18) / rate).toString(),
      };
    });
  return {
    staking: {
      apr: stakingApr.toString(),
      bondedRatio: supply === 0n ? "0" : ((bonded * E18) / supply).toString(),
      liquidity: "unbonding period",
    },
    lst: { apr: lst.apr, rate: lst.rate, liquidity: "instant via the pool, or unstake + unbonding" },
    lrt: { apr: lrt.apr, rate: lrt.rate, liquidity: "withdrawal delay" },
    depeg: pools,
    exposure: lrt.allocations,
  };
}
