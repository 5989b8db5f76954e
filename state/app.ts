// Wires the modules together once: staking's hooks go to distribution and lst (Cosmos' hooks
// pattern), so staking never imports them. Imported by everything that executes blocks.
import { setStakingHooks } from "./modules/staking/hooks.ts";
import { beforeValidatorSlashed, initializeDelegation, initializeValidator, settleDelegation } from "./modules/distribution/keeper.ts";
import { onUnbondingSlashed, receiveRewards } from "./modules/lst/keeper.ts";

setStakingHooks({
  afterValidatorCreated: (ctx, op) => initializeValidator(ctx, op),
  // rewards paid to the lst pool's delegations are booked by the lst module (its own records)
  beforeDelegationModified: (ctx, d, op) => receiveRewards(ctx, d, settleDelegation(ctx, d, op)),
  afterDelegationModified: (ctx, d, op) => initializeDelegation(ctx, d, op),
  beforeValidatorSlashed: (ctx, op, fraction) => beforeValidatorSlashed(ctx, op, fraction),
  afterUnbondingSlashed: (ctx, delegator, creationHeight, cut) => onUnbondingSlashed(ctx, delegator, creationHeight, cut),
});

export const APP_WIRED = true;
