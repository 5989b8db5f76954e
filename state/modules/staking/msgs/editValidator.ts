import type { ExecContext } from "../../../context.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { event } from "../../../events.ts";
import { requireValidator } from "../keeper.ts";
import { getParams, setValidator } from "../store.ts";
import { MsgEditValidator, validateEditValidator, type MsgEditValidatorValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

/**
 * staking/edit_validator: a new moniker and/or commission. The commission stays ≤ the maximum
 * set at creation, moves by at most `maxCommissionChange` and at most once per
 * `commissionChangeIntervalMs`, so delegators are never surprised by a jump.
 */
export function processEditValidator(ctx: ExecContext, operator: Uint8Array, m: MsgEditValidatorValue): void {
  const v = requireValidator(ctx.store, operator);
  let { commissionRate, commissionUpdatedAt } = v;
  if (m.setCommission) {
    const p = getParams(ctx.store);
    if (m.commissionRate > v.maxCommissionRate)
      throw new StrataError(
        ErrorCode.InvalidCommission,
        `commission ${m.commissionRate} is above this validator's maximum ${v.maxCommissionRate}`,
      );
    const delta =
      m.commissionRate > v.commissionRate ? m.commissionRate - v.commissionRate : v.commissionRate - m.commissionRate;
    if (delta > p.maxCommissionChange)
      throw new StrataError(
        ErrorCode.InvalidCommission,
        `commission may change by at most ${p.maxCommissionChange} at a time, asked ${delta}`,
      );
    if (ctx.time < v.commissionUpdatedAt + p.commissionChangeIntervalMs) {
      throw new StrataError(
        ErrorCode.CommissionChangeTooSoon,
        `commission was changed at ${new Date(v.commissionUpdatedAt).toISOString()}; next change allowed at ${new Date(v.commissionUpdatedAt + p.commissionChangeIntervalMs).toISOString()}`,
      );
    }
    commissionRate = m.commissionRate;
    commissionUpdatedAt = ctx.time;
  }
  setValidator(ctx.store, {
    ...v,
    moniker: m.moniker.length ? m.moniker : v.moniker,
    commissionRate,
    commissionUpdatedAt,
  });
  ctx.events.push(
    event("edit_validator", { validator: encodeAddress(operator), commission_rate: commissionRate.toString() }),
  );
}

export const editValidatorMsg = msgDef({
  schema: MsgEditValidator,
  gas: 50_000n,
  validateBasic: validateEditValidator,
  execute: processEditValidator,
});
