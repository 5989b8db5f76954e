// The shape of a module: one manifest (`modules/<name>/index.ts`) registers everything the app
// needs from it (Lisk's module.ts, Cosmos' AppModule), and `state/app.ts` lists the modules once.
// Message kinds, gas, begin/end-block steps, params updates and invariants are derived from that
// list, so a module can no longer be half-registered (a forgotten gas entry made a message free).
import type { Type } from "@chainsafe/ssz";
import type { ExecContext } from "./context.ts";
import type { StrataError } from "./errors.ts";
import type { Fail } from "./paramsParse.ts";
import type { Misbehaviour } from "./misbehaviour.ts";
import type { KVReader, KVScanner } from "./store/types.ts";
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
  /** verified misbehaviour carried by the block (consensus/evidence/ checked the evidence) */
  misbehaviour: readonly Misbehaviour[];
  /** the previous block's time (unix ms) */
  lastBlockTime: number;
};

/** What a module's genesis sees besides its own part: the authority, the raw params, the validators. */
export type GenesisContext = {
  authority: Uint8Array;
  /** the whole `params` object of the genesis file (a module may read a neighbour's ids) */
  params: Readonly<Record<string, unknown>>;
  validators: readonly ValidatorEntryValue[];
};

/**
 * A module's part of genesis: `genesis.params[key]`, parsed (errors name the field) and then
 * written by `init`, which runs after the accounts and validators exist, in the app's order.
 */
export type GenesisDef<T> = {
  key: string;
  parse(json: unknown, g: GenesisContext, field: string, fail: Fail): T;
  init(ctx: ExecContext, value: T, g: GenesisContext): void;
  /** `strata export`: this part as it stands in `s`, in the form `parse` reads back */
  export(s: KVReader): unknown;
  /** `strata export`: the module's records, carried into the new chain (genesis `state`) */
  records?: RecordsDef;
};

/**
 * A module's store records as an exported genesis carries them: every key under its prefix (one
 * byte, state/keys.ts), as it is, except what `restart` rewrites for a chain that starts again at
 * height 1 (heights recorded in the records; Cosmos' `export --for-zero-height`).
 */
export type RecordsDef = {
  prefix: number;
  restart?(key: Uint8Array, value: Uint8Array): Uint8Array;
};

/** Erases a genesis part's value type (as msgDef does for messages). */
export function genesisDef<T>(d: GenesisDef<T>): GenesisDef<unknown> {
  return d as unknown as GenesisDef<unknown>;
}

/** A module's updatable params: `params/update {module: <name>, params: <json>}` lands here. */
export type ParamsDef = {
  update(ctx: ExecContext, signer: Uint8Array, json: unknown, field: string, fail: Fail): void;
};

/**
 * An argument of a query: a string, required unless `optional`. `address` ones are bech32 account addresses, checked
 * (and refused with a params error) by the RPC before the query runs.
 */
export type QueryArg = { name: string; optional?: boolean } & (
  | { kind: "address" }
  | { kind: "string"; maxLength: number }
);

/**
 * A read-only query over committed state: `<module>_<name>` over RPC and "/<module>/<name>"
 * through abci_query (rpc/appMethods.ts derives both, their params and their docs from here).
 * `run` reads only through `s`, so the same query answers for any height whose state is kept;
 * the RPC adds the height it answered for. Errors are typed (StrataError).
 */
export type QueryDef = {
  summary: string;
  args?: readonly QueryArg[];
  run(s: KVReader, args: Readonly<Record<string, string>>): Record<string, unknown>;
};

export type Module = {
  name: string;
  /** name → query; reachable as `<module>_<name>` */
  queries?: Readonly<Record<string, QueryDef>>;
  /** verb → message; the message type is `<name>/<verb>` */
  msgs?: Readonly<Record<string, MsgDef<unknown>>>;
  genesis?: GenesisDef<unknown>;
  params?: ParamsDef;
  beginBlock?(ctx: ExecContext, info: BeginBlockInfo): void;
  endBlock?(ctx: ExecContext): void;
  invariants?(s: KVScanner): string[];
};

/**
 * A message definition whose value type is erased for the registry (manifests list messages of
 * different types) but remembered in a phantom field, so the client's message types can be
 * derived from the manifests (client/msgTypes.ts).
 */
export type TypedMsgDef<T> = MsgDef<unknown> & { readonly __value?: T };

export function msgDef<T>(d: MsgDef<T>): TypedMsgDef<T> {
  return d as unknown as TypedMsgDef<T>;
}
