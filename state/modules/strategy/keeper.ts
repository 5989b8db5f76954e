// What other modules may call of strategy (Cosmos' keeper): lrt deposits into and withdraws from
// services and reads the registry; slashing reports an operator's fault. Nothing else of this
// folder is theirs to import (store.ts above all: they never touch strategy's keys).
export { getRegistry, strategyAccount, strategyName, StrategyKind, type StrategyDefValue } from "./store.ts";
export {
  accruedReward,
  accrueService,
  depositService,
  exposure,
  hasActiveOperator,
  inactiveValue,
  onOperatorSlashed,
  serviceIds,
  serviceValue,
  withdrawService,
} from "./service.ts";
export { genesisServiceIds } from "./genesis.ts";
