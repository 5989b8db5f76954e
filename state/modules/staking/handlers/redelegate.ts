import type { ExecContext } from "../../../context.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { event } from "../../../events.ts";
import { redelegate } from "../keeper.ts";
import type { MsgRedelegateValue } from "../msgs.ts";

/** staking/redelegate: moves stake between validators at once (no unbonding wait). */
export function processRedelegate(ctx: ExecContext, delegator: Uint8Array, m: MsgRedelegateValue): void {
  const { completionTime } = redelegate(ctx, delegator, m.from, m.to, m.amount);
  ctx.events.push(event("redelegate", { delegator: encodeAddress(delegator), source_validator: encodeAddress(m.from), destination_validator: encodeAddress(m.to), amount: `${m.amount}stra`, completion_time: new Date(completionTime).toISOString() }));
}
