// The registry of message kinds: type tag -> schema, stateless check, handler. Adding a module's
// message means one entry here; nothing else in the tx pipeline changes.
import type { Type } from "@chainsafe/ssz";
import type { ExecContext } from "./context.ts";
import { MsgSend, validateSend } from "./modules/bank/msgs.ts";
import { processSend } from "./modules/bank/handlers/send.ts";

export type MsgKind<T> = {
  schema: Type<T>;
  validateBasic(msg: T): void;
  process(ctx: ExecContext, signer: Uint8Array, msg: T): void;
};

function kind<T>(k: MsgKind<T>): MsgKind<unknown> {
  return k as unknown as MsgKind<unknown>;
}

export const MSG_KINDS: ReadonlyMap<string, MsgKind<unknown>> = new Map([
  ["bank/send", kind({ schema: MsgSend, validateBasic: validateSend, process: processSend })],
]);
