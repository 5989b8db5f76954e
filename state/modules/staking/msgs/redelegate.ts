import type { ExecContext } from "../../../context.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { event } from "../../../events.ts";
import { redelegate } from "../keeper.ts";
import { MsgRedelegate, validateRedelegate, type MsgRedelegateValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

/** staking/redelegate: moves stake between validators at once (no unbonding wait). */
export function processRedelegate(ctx: ExecContext, delegator: Uint8Array, m: MsgRedelegateValue): void {
  const { completionTime } = redelegate(ctx, delegator, m.from, m.to, m.amount);
  ctx.events.push(
    event("redelegate", {
      delegator: encodeAddress(delegator),
      source_validator: encodeAddress(m.from),
      destination_validator: encodeAddress(m.to),
      amount: `${m.amount}stra`,
      completion_time: new Date(completionTime).toISOString(),
    }),
  );
}

export const redelegateMsg = msgDef({
  schema: MsgRedelegate,
  gas: 150_000n,
  validateBasic: validateRedelegate,
  execute: processRedelegate,
});
