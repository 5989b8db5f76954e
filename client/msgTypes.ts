// The client's message types, derived from the app's manifests (state/app.ts `AppWireMsg`): a
// message added to a module's manifest is a message the client can type, with no list to edit
// here. Wire values become what a caller naturally writes: text fields are strings (encodeMsg
// turns them into UTF-8 bytes); the few messages whose client shape differs from the wire say so
// in ClientShapes (encodeMsg's wireValue converts them).
import type { AppWireMsg } from "../state/app.ts";

/** Fields carried on the wire as UTF-8 bytes that the client passes as text. */
type TextField = "moniker" | "denom" | "denomIn" | "service" | "pool" | "module";

type ClientValue<V> = { [K in keyof V]: K extends TextField ? string : V[K] };

/** Messages whose client form is not their wire form field by field. */
type ClientShapes = {
  /** an omitted field keeps the current value (wire: empty moniker, setCommission flag) */
  "staking/edit_validator": { moniker?: string; commissionRate?: bigint };
  /** no fields (the wire's `reserved` byte is 0) */
  "slashing/unjail": Record<string, never>;
  "lst/resume": Record<string, never>;
  /** params as a JSON value (the wire carries its JSON text) */
  "params/update": { module: string; params: unknown };
};

export type MsgType = AppWireMsg["type"];

export type AnyMsg = {
  [T in MsgType]: {
    type: T;
    value: T extends keyof ClientShapes ? ClientShapes[T] : ClientValue<Extract<AppWireMsg, { type: T }>["value"]>;
  };
}[MsgType];
