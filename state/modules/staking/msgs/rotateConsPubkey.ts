import type { ExecContext } from "../../../context.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { isValidPublicKey } from "../../../crypto/ed25519.ts";
import { event } from "../../../events.ts";
import { msgDef } from "../../../module.ts";
import {
  consensusAddress,
  getParams,
  getRotation,
  getValidator,
  operatorByConsensusAddress,
  recordConsensusKey,
  setRotation,
  setValidator,
} from "../store.ts";
import { MsgRotateConsPubkey, type MsgRotateConsPubkeyValue } from "../schemas.ts";

/** Why the signer may not rotate to this key now, or undefined (Cosmos' MsgRotateConsPubKey rules). */
export function getRotateValidity(
  ctx: ExecContext,
  operator: Uint8Array,
  m: MsgRotateConsPubkeyValue,
): StrataError | undefined {
  const v = getValidator(ctx.store, operator);
  if (!v) return new StrataError(ErrorCode.UnknownValidator, `${encodeAddress(operator)} operates no validator`);
  if (v.tombstoned)
    return new StrataError(ErrorCode.ValidatorTombstoned, "a tombstoned validator cannot rotate its key");
  if (!isValidPublicKey(m.consensusPubkey))
    return new StrataError(ErrorCode.BadPublicKey, "consensusPubkey is not a valid ed25519 public key");
  // a key any validator ever used (the current one included) is never taken again
  if (operatorByConsensusAddress(ctx.store, consensusAddress(m.consensusPubkey)))
    return new StrataError(ErrorCode.ConsensusKeyInUse, "consensusPubkey is or was used by a validator");
  const last = getRotation(ctx.store, operator);
  const wait = getParams(ctx.store).unbondingTimeMs;
  if (last && ctx.time < last.time + wait)
    return new StrataError(
      ErrorCode.RotationTooSoon,
      `the key was rotated at height ${last.height}; the next rotation is allowed from ${new Date(last.time + wait).toISOString()} (one per unbonding period)`,
    );
  return undefined;
}

/**
 * staking/rotate_cons_pubkey: the validator's consensus key becomes `consensusPubkey`. The set
 * decided at the end of this block (H) carries the new key, so it signs from H + 2; H + 1 is still
 * signed with the old key. The old key keeps mapping to the operator, so its liveness, rewards and
 * double-sign evidence stay attributable. Signing info starts afresh under the new address.
 */
export function processRotateConsPubkey(ctx: ExecContext, operator: Uint8Array, m: MsgRotateConsPubkeyValue): void {
  const broken = getRotateValidity(ctx, operator, m);
  if (broken) throw broken;
  const v = getValidator(ctx.store, operator)!;
  setValidator(ctx.store, { ...v, consensusPubkey: m.consensusPubkey });
  recordConsensusKey(ctx.store, operator, m.consensusPubkey);
  setRotation(ctx.store, operator, { time: ctx.time, height: ctx.height });
  ctx.events.push(
    event("rotate_cons_pubkey", {
      validator: encodeAddress(operator),
      old_consensus_pubkey: Buffer.from(v.consensusPubkey).toString("hex"),
      new_consensus_pubkey: Buffer.from(m.consensusPubkey).toString("hex"),
      effective_height: String(ctx.height + 2),
    }),
  );
}

export const rotateConsPubkeyMsg = msgDef({
  schema: MsgRotateConsPubkey,
  gas: 200_000n,
  validateBasic: () => {},
  verify: getRotateValidity,
  execute: processRotateConsPubkey,
});
