// The shape of a module: one manifest (`modules/<name>/index.ts`) registers everything the app
// needs from it (Lisk's module.ts, Cosmos' AppModule), and `state/app.ts` lists the modules once.
// Message kinds, gas, begin/end-block steps, params updates and invariants are derived from that
// list, so a module can no longer be half-registered (a forgotten gas entry made a message free).
import type { Type } from "@chainsafe/ssz";
import type { ExecContext } from "./context.ts";
import type { StrataError } from "./errors.ts";
import type { Fail } from "./paramsParse.ts";
import type { KVScanner } from "./store/types.ts";
import type { ValidatorEntryValue } from "./validators.ts";

/**
 * One message kind, in `modules/<name>/msgs/<verb>.ts`: its codec, its fixed gas, its stateless
 * checks, an optional read-only check that names the rule a message breaks against the current
 * state (Lodestar's getXValidity: the same rule serves a dry run), and its state transition.
 * `execute` runs in an overlay that is dropped if it throws, so it may also throw typed errors.
 */
export type MsgDef<T> = {
  schema: Type<T>;
  /** fixed gas (state/gas.ts adds the per-tx base and the per-byte cost) */
  gas: bigint;
  validateBasic(msg: T): void;
  verify?(ctx: ExecContext, signer: Uint8Array, msg: T): StrataError | undefined;
  execute(ctx: ExecContext, signer: Uint8Array, msg: T): void;
};

/** What begin block knows about the block being executed. */
export type BeginBlockInfo = {
  /** the set that signed the previous block, and which of it did */
  lastValidators: readonly ValidatorEntryValue[];
  lastCommitSigners: readonly Uint8Array[];
  evidence: readonly Uint8Array[];
  /** the previous block's time (unix ms) */
  lastBlockTime: number;
};

/** A module's updatable params: `params/update {module: <name>, params: <json>}` lands here. */
export type ParamsDef = {
  update(ctx: ExecContext, signer: Uint8Array, json: unknown, field: string, fail: Fail): void;
};

export type Module = {
  name: string;
  /** verb → message; the message type is `<name>/<verb>` */
  msgs?: Readonly<Record<string, MsgDef<unknown>>>;
  params?: ParamsDef;
  beginBlock?(ctx: ExecContext, info: BeginBlockInfo): void;
  endBlock?(ctx: ExecContext): void;
  invariants?(s: KVScanner): string[];
};

/** Erases a message's value type so manifests can list messages of different types. */
export function msgDef<T>(d: MsgDef<T>): MsgDef<unknown> {
  return d as unknown as MsgDef<unknown>;
}
