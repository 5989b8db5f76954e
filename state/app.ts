// The app: the modules, listed once, in begin/end-block order (Cosmos' module manager with its
// SetOrderBeginBlockers/SetOrderEndBlockers in one list). Everything the state machine needs from
// a module is derived from this list: message kinds and their gas, begin/end-block steps,
// params spaces and invariants. Hooks between modules are wired here, explicitly.
import type { Module, MsgDef, QueryDef } from "./module.ts";
import type { StakingHooks } from "./modules/staking/hooks.ts";
import {
  beforeValidatorSlashed,
  initializeDelegation,
  initializeValidator,
  settleDelegation,
} from "./modules/distribution/keeper.ts";
import { onUnbondingSlashed, receiveRewards } from "./modules/lst/keeper.ts";
import { bankModule } from "./modules/bank/index.ts";
import { stakingModule } from "./modules/staking/index.ts";
import { distributionModule } from "./modules/distribution/index.ts";
import { slashingModule } from "./modules/slashing/index.ts";
import { lstModule } from "./modules/lst/index.ts";
import { lrtModule } from "./modules/lrt/index.ts";
import { strategyModule } from "./modules/strategy/index.ts";
import { paramsModule } from "./modules/params/index.ts";
import type { KVScanner } from "./store/types.ts";
import { APP_QUERIES } from "./appQueries.ts";

/** Staking's hooks go to distribution (F1 periods) and lst (its rewards and batch slashes). */
export const STAKING_HOOKS: StakingHooks = {
  afterValidatorCreated: (ctx, op) => initializeValidator(ctx, op),
  // rewards paid to the lst pool's delegations are booked by the lst module (its own records)
  beforeDelegationModified: (ctx, d, op) => receiveRewards(ctx, d, settleDelegation(ctx, d, op)),
  afterDelegationModified: (ctx, d, op) => initializeDelegation(ctx, d, op),
  beforeValidatorSlashed: (ctx, op, fraction) => beforeValidatorSlashed(ctx, op, fraction),
  afterUnbondingSlashed: (ctx, delegator, creationHeight, cut) =>
    onUnbondingSlashed(ctx, delegator, creationHeight, cut),
};

export type App = {
  modules: readonly Module[];
  /** `<module>/<verb>` → message */
  msgs: ReadonlyMap<string, MsgDef<unknown>>;
  hooks: StakingHooks;
  invariants(s: KVScanner): string[];
  /** `<module>_<name>` → query (and the app's own, which span modules) */
  queries: ReadonlyMap<string, QueryDef>;
};

/** Derives the app from its module list; refuses a list that names a message or module twice. */
export function buildApp(
  modules: readonly Module[],
  hooks: StakingHooks = STAKING_HOOKS,
  appQueries: Readonly<Record<string, QueryDef>> = {},
): App {
  const msgs = new Map<string, MsgDef<unknown>>();
  const queries = new Map<string, QueryDef>();
  const names = new Set<string>();
  const addQuery = (name: string, q: QueryDef) => {
    if (queries.has(name)) throw new Error(`app: query "${name}" is registered twice`);
    queries.set(name, q);
  };
  for (const m of modules) {
    if (names.has(m.name)) throw new Error(`app: module "${m.name}" is listed twice`);
    names.add(m.name);
    for (const [verb, d] of Object.entries(m.msgs ?? {})) msgs.set(`${m.name}/${verb}`, d);
    for (const [name, q] of Object.entries(m.queries ?? {})) addQuery(`${m.name}_${name}`, q);
  }
  for (const [name, q] of Object.entries(appQueries)) addQuery(name, q);
  return { modules, msgs, hooks, queries, invariants: (s) => modules.flatMap((m) => m.invariants?.(s) ?? []) };
}

const MODULE_LIST = [
  bankModule,
  stakingModule, // end block: matured unbondings and redelegations pay out first…
  distributionModule, // begin block: rewards to the last block's signers
  slashingModule, // begin block: liveness, then evidence
  lstModule, // end block: the epoch, after unbondings paid the pool
  lrtModule, // end block: after the LST's epoch, whose rate it values at
  strategyModule,
  paramsModule(() => MODULES),
] as const;
const MODULES: readonly Module[] = MODULE_LIST;

/**
 * Every message of the app as `{ type: "<module>/<verb>", value }` with its codec's value type,
 * derived from the manifests (client/msgTypes.ts turns it into the client's `AnyMsg`).
 */
export type AppWireMsg = ModuleWireMsgs<(typeof MODULE_LIST)[number]>;

type ModuleWireMsgs<M> = M extends { readonly name: infer N extends string; readonly msgs: infer R }
  ? {
      [K in keyof R & string]: { type: `${N}/${K}`; value: R[K] extends { readonly __value?: infer V } ? V : never };
    }[keyof R & string]
  : never;

export const APP: App = buildApp(MODULES, STAKING_HOOKS, APP_QUERIES);
