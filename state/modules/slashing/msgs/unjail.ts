import { msgDef } from "../../../module.ts";
import { MsgUnjail, type MsgUnjailValue } from "../schemas.ts";
import type { ExecContext } from "../../../context.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { event } from "../../../events.ts";
import { requireValidator, unjailValidator } from "../../staking/keeper.ts";
import { getDelegationShares, getStakingParams } from "../../staking/keeper.ts";
import { tokensFromShares } from "../../staking/keeper.ts";

/** slashing/unjail: the signer's validator returns to the candidates after its jail time. */
export function processUnjail(ctx: ExecContext, operator: Uint8Array, _m: MsgUnjailValue): void {
  const v = requireValidator(ctx.store, operator);
  if (v.tombstoned)
    throw new StrataError(
      ErrorCode.ValidatorTombstoned,
      `validator ${encodeAddress(operator)} is tombstoned (double sign) and can never be unjailed`,
    );
  if (!v.jailed)
    throw new StrataError(ErrorCode.ValidatorNotJailed, `validator ${encodeAddress(operator)} is not jailed`);
  if (ctx.time < v.jailedUntil)
    throw new StrataError(ErrorCode.JailPeriodNotOver, `jailed until ${new Date(v.jailedUntil).toISOString()}`);
  const self = tokensFromShares(v, getDelegationShares(ctx.store, operator, operator));
  const min = getStakingParams(ctx.store).minSelfStake;
  if (self < min)
    throw new StrataError(
      ErrorCode.SelfStakeTooLow,
      `self stake ${self} is below the minimum ${min}; delegate more first`,
    );
  unjailValidator(ctx, operator);
  ctx.events.push(event("unjail", { validator: encodeAddress(operator) }));
}

export const unjailMsg = msgDef({
  schema: MsgUnjail,
  gas: 60_000n,
  validateBasic: (m: MsgUnjailValue) => {
    if (m.reserved !== 0) throw new StrataError(ErrorCode.TxMalformed, "reserved must be 0");
  },
  execute: processUnjail,
});
