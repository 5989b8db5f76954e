import { msgDef } from "../../../module.ts";
import { MsgWithdrawRewards, type MsgWithdrawRewardsValue } from "../schemas.ts";
import type { ExecContext } from "../../../context.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { getDelegationShares } from "../../staking/keeper.ts";
import { requireValidator } from "../../staking/keeper.ts";
import { initializeDelegation, settleDelegation } from "../keeper.ts";

/** distribution/withdraw_rewards: pays the signer's rewards from one delegation. PERF: O(1). */
export function processWithdrawRewards(ctx: ExecContext, delegator: Uint8Array, m: MsgWithdrawRewardsValue): void {
  requireValidator(ctx.store, m.validator);
  if (getDelegationShares(ctx.store, delegator, m.validator) === 0n) {
    throw new StrataError(
      ErrorCode.NoDelegation,
      `${encodeAddress(delegator)} has no delegation to ${encodeAddress(m.validator)}`,
    );
  }
  settleDelegation(ctx, delegator, m.validator);
  initializeDelegation(ctx, delegator, m.validator);
}

export const withdrawRewardsMsg = msgDef({
  schema: MsgWithdrawRewards,
  gas: 60_000n,
  validateBasic: () => {},
  execute: processWithdrawRewards,
});
