import type { ExecContext } from "../../../context.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { event } from "../../../events.ts";
import { delegate } from "../keeper.ts";
import { MsgDelegate, validateDelegate, type MsgDelegateValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

/** staking/delegate: bonds `amount` stra to a validator; pending rewards of an existing delegation are paid first. */
export function processDelegate(ctx: ExecContext, delegator: Uint8Array, m: MsgDelegateValue): void {
  const shares = delegate(ctx, delegator, m.validator, m.amount);
  ctx.events.push(
    event("delegate", {
      delegator: encodeAddress(delegator),
      validator: encodeAddress(m.validator),
      amount: `${m.amount}stra`,
      shares: shares.toString(),
    }),
  );
}

export const delegateMsg = msgDef({
  schema: MsgDelegate,
  gas: 80_000n,
  validateBasic: validateDelegate,
  execute: processDelegate,
});
