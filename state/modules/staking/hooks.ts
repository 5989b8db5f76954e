// Staking hooks, as Cosmos' StakingHooks: other modules react to delegation changes without
// staking importing them. The app wires them once (state/app.ts).
import type { ExecContext } from "../../context.ts";

export type StakingHooks = {
  afterValidatorCreated(ctx: ExecContext, operator: Uint8Array): void;
  /** before a delegation's shares change (settles its rewards) */
  beforeDelegationModified(ctx: ExecContext, delegator: Uint8Array, operator: Uint8Array): void;
  /** after they changed (starts a new reward period for it) */
  afterDelegationModified(ctx: ExecContext, delegator: Uint8Array, operator: Uint8Array): void;
  /** before a validator's tokens are cut by `fraction` (18-decimal) */
  beforeValidatorSlashed(ctx: ExecContext, operator: Uint8Array, fraction: bigint): void;
  /** an unbonding entry begun at `creationHeight` lost `cut` to a slash (the lst pays its batch pro rata) */
  afterUnbondingSlashed(ctx: ExecContext, delegator: Uint8Array, creationHeight: number, cut: bigint): void;
};

const noop: StakingHooks = { afterValidatorCreated() {}, beforeDelegationModified() {}, afterDelegationModified() {}, beforeValidatorSlashed() {}, afterUnbondingSlashed() {} };
let hooks: StakingHooks = noop;

export function setStakingHooks(h: StakingHooks): void {
  hooks = h;
}

export function stakingHooks(): StakingHooks {
  return hooks;
}
