import type { ExecContext } from "../../../context.ts";
import { msgDef } from "../../../module.ts";
import { encodeAddress } from "../../../crypto/address.ts";
import { event } from "../../../events.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { isBlockedAddress } from "../../../moduleAccounts.ts";
import { send } from "../keeper.ts";
import { decodeDenom, MsgSend, validateSend, type MsgSendValue } from "../schemas.ts";

/**
 * bank/send: moves `amount` of `denom` from the signer to `to`. Stateless rules were checked by
 * validateSend; the only stateful rules are the recipient (no module account: SendToModuleAccount) and the balance
 * (InsufficientFunds, checked by the keeper).
 * PERF: two account reads and two writes.
 */
export function processSend(ctx: ExecContext, signer: Uint8Array, msg: MsgSendValue): void {
  const denom = decodeDenom(msg.denom);
  if (isBlockedAddress(ctx.store, msg.to)) {
    throw new StrataError(
      ErrorCode.SendToModuleAccount,
      `${encodeAddress(msg.to)} is a module account: it accepts no transfers (modules account for their funds from their own records)`,
    );
  }
  send(ctx.store, signer, msg.to, denom, msg.amount);
  ctx.events.push(
    event("transfer", {
      sender: encodeAddress(signer),
      recipient: encodeAddress(msg.to),
      amount: `${msg.amount}${denom}`,
    }),
  );
}

export const sendMsg = msgDef({ schema: MsgSend, gas: 20_000n, validateBasic: validateSend, execute: processSend });
