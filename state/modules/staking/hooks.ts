// Staking hooks, as Cosmos' StakingHooks: other modules react to delegation changes without
// staking importing them. The app wires them once, explicitly (state/app.ts), and every
// execution context carries them (no global set as a side effect of an import).
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

/** Hooks that do nothing: a context that runs no staking code (tests of other steps). */
export const NO_STAKING_HOOKS: StakingHooks = {
  afterValidatorCreated() {},
  beforeDelegationModified() {},
  afterDelegationModified() {},
  beforeValidatorSlashed() {},
  afterUnbondingSlashed() {},
};
