// Wires the modules together once: staking's hooks go to distribution and lst (Cosmos' hooks
// pattern), so staking never imports them. Imported by everything that executes blocks.
import { setStakingHooks } from "./modules/staking/hooks.ts";
import { beforeValidatorSlashed, initializeDelegation, initializeValidator, settleDelegation } from "./modules/distribution/keeper.ts";
import { onUnbondingSlashed } from "./modules/lst/keeper.ts";

setStakingHooks({
  afterValidatorCreated: (ctx, op) => initializeValidator(ctx, op),
  beforeDelegationModified: (ctx, d, op) => {
    settleDelegation(ctx, d, op);
  },
  afterDelegationModified: (ctx, d, op) => initializeDelegation(ctx, d, op),
  beforeValidatorSlashed: (ctx, op, fraction) => beforeValidatorSlashed(ctx, op, fraction),
  afterUnbondingSlashed: (ctx, delegator, creationHeight, cut) => onUnbondingSlashed(ctx, delegator, creationHeight, cut),
});

export const APP_WIRED = true;
