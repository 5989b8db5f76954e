import type { ExecContext } from "../../../context.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { event } from "../../../events.ts";
import { undelegate } from "../keeper.ts";
import { MsgDelegate, validateDelegate, type MsgDelegateValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

/** staking/undelegate: unbonds `amount`; it is paid out automatically after the unbonding time. */
export function processUndelegate(ctx: ExecContext, delegator: Uint8Array, m: MsgDelegateValue): void {
  const { completionTime } = undelegate(ctx, delegator, m.validator, m.amount);
  ctx.events.push(
    event("unbond", {
      delegator: encodeAddress(delegator),
      validator: encodeAddress(m.validator),
      amount: `${m.amount}stra`,
      completion_time: new Date(completionTime).toISOString(),
    }),
  );
}

export const undelegateMsg = msgDef({
  schema: MsgDelegate,
  gas: 100_000n,
  validateBasic: validateDelegate,
  execute: processUndelegate,
});
