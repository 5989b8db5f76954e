import type { ExecContext } from "../../../context.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { isValidPublicKey } from "../../../crypto/ed25519.ts";
import { event } from "../../../events.ts";
import { delegate } from "../keeper.ts";
import { consensusAddress, getParams, getValidator, operatorByConsensusAddress, setValidator } from "../store.ts";
import { ValidatorStatus } from "../types.ts";
import { MsgCreateValidator, validateCreateValidator, type MsgCreateValidatorValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

/** The checks of staking/create_validator that need state; throws the rule broken. */
export function getCreateValidatorValidity(ctx: ExecContext, operator: Uint8Array, m: MsgCreateValidatorValue): void {
  if (getValidator(ctx.store, operator))
    throw new StrataError(ErrorCode.ValidatorExists, `${encodeAddress(operator)} already operates a validator`);
  if (!isValidPublicKey(m.consensusPubkey))
    throw new StrataError(ErrorCode.BadPublicKey, "consensusPubkey is not a valid ed25519 public key");
  if (operatorByConsensusAddress(ctx.store, consensusAddress(m.consensusPubkey)))
    throw new StrataError(ErrorCode.ConsensusKeyInUse, "consensusPubkey is already used by another validator");
  const min = getParams(ctx.store).minSelfStake;
  if (m.selfStake < min)
    throw new StrataError(ErrorCode.SelfStakeTooLow, `selfStake ${m.selfStake} is below the minimum ${min}`);
}

/**
 * staking/create_validator: registers the signer as a validator operator with a consensus key and
 * delegates the self stake. It joins the active set at the end of the block if its power ranks,
 * and signs from H + 2.
 * PERF: a few reads/writes plus one delegation.
 */
export function processCreateValidator(ctx: ExecContext, operator: Uint8Array, m: MsgCreateValidatorValue): void {
  getCreateValidatorValidity(ctx, operator, m);
  setValidator(ctx.store, {
    operator,
    consensusPubkey: m.consensusPubkey,
    moniker: m.moniker,
    commissionRate: m.commissionRate,
    maxCommissionRate: m.maxCommissionRate,
    tokens: 0n,
    shares: 0n,
    status: ValidatorStatus.Unbonded,
    jailed: false,
    tombstoned: false,
    jailedUntil: 0,
    commissionUpdatedAt: ctx.time,
  });
  ctx.hooks.afterValidatorCreated(ctx, operator);
  delegate(ctx, operator, operator, m.selfStake);
  ctx.events.push(event("create_validator", { validator: encodeAddress(operator), amount: `${m.selfStake}stra` }));
}

export const createValidatorMsg = msgDef({
  schema: MsgCreateValidator,
  gas: 200_000n,
  validateBasic: validateCreateValidator,
  execute: processCreateValidator,
});
