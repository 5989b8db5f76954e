import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint8 } from "../../../encoding/types.ts";
import type { ExecContext } from "../../../context.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { event } from "../../../events.ts";
import { requireValidator } from "../../staking/keeper.ts";
import { getDelegationShares, getParams as getStakingParams, setValidator } from "../../staking/store.ts";
import { tokensFromShares } from "../../staking/keeper.ts";

/** The message has no fields; SSZ needs one, so it carries a reserved byte that must be 0. */
export const MsgUnjail = new ContainerType({ reserved: Uint8 }, { typeName: "MsgUnjail" });
export type MsgUnjailValue = ValueOf<typeof MsgUnjail>;

/** slashing/unjail: the signer's validator returns to the candidates after its jail time. */
export function processUnjail(ctx: ExecContext, operator: Uint8Array, _m: MsgUnjailValue): void {
  const v = requireValidator(ctx.store, operator);
  if (v.tombstoned) throw new StrataError(ErrorCode.ValidatorTombstoned, `validator ${encodeAddress(operator)} is tombstoned (double sign) and can never be unjailed`);
  if (!v.jailed) throw new StrataError(ErrorCode.ValidatorNotJailed, `validator ${encodeAddress(operator)} is not jailed`);
  if (ctx.time < v.jailedUntil) throw new StrataError(ErrorCode.JailPeriodNotOver, `jailed until ${new Date(v.jailedUntil).toISOString()}`);
  const self = tokensFromShares(v, getDelegationShares(ctx.store, operator, operator));
  const min = getStakingParams(ctx.store).minSelfStake;
  if (self < min) throw new StrataError(ErrorCode.SelfStakeTooLow, `self stake ${self} is below the minimum ${min}; delegate more first`);
  setValidator(ctx.store, { ...v, jailed: false });
  ctx.events.push(event("unjail", { validator: encodeAddress(operator) }));
}
