// The registry of message kinds, derived from the app's module list (state/app.ts): type tag →
// codec, gas, stateless check, handler. Adding a message means adding it to its module's manifest.
import { APP } from "./app.ts";
import type { MsgDef } from "./module.ts";

export type MsgKind<T> = MsgDef<T>;

export const MSG_KINDS: ReadonlyMap<string, MsgDef<unknown>> = APP.msgs;
