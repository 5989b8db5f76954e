// What every block does besides its txs, in order: begin block (distribution pays the signers
// of the previous block, slashing tracks liveness and punishes verified misbehaviour), txs, end block (staking
// matures unbondings, the LST and LRT run their epochs, staking decides S_{H+2}).
//
// Begin/end-block work must be total: a throw here would halt every node at the same height.
// Each step is written not to throw (guarded divisions, fractions validated in [0, 1)), and on
// top of that runs in its own overlay: should a bug throw anyway, that step's writes are
// dropped, a `block_step_failed` event names it (the node logs it loudly) and the block goes on.
// Every node skips the same step, so the chain stays deterministic and alive.
import type { App } from "../app.ts";
import type { ExecContext } from "../context.ts";
import { event } from "../events.ts";
import { getLastBlockTime, setLastBlockTime } from "../lastBlockTime.ts";
import { updateActiveSet } from "../modules/staking/keeper.ts";
import type { Misbehaviour } from "../misbehaviour.ts";
import {
  getLastValidators,
  getPendingValidators,
  shiftValidatorSets,
  type ValidatorEntryValue,
} from "../validators.ts";

/** Runs `fn` in a child overlay; on any throw its writes are dropped and an event says so. */
export function guardedStep<T>(ctx: ExecContext, step: string, fn: (c: ExecContext) => T): T | undefined {
  const scratch = ctx.store.child();
  const events = ctx.events.length;
  try {
    const out = fn({ ...ctx, store: scratch });
    scratch.flushToParent();
    return out;
  } catch (e) {
    ctx.events.length = events; // the step's events go with its writes
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    ctx.events.push(event("block_step_failed", { step, height: String(ctx.height), error: what }));
    return undefined;
  }
}

/** Every module's begin block, in the app's order, each guarded. */
export function beginBlock(
  app: App,
  ctx: ExecContext,
  lastCommitSigners: readonly Uint8Array[],
  misbehaviour: readonly Misbehaviour[],
): void {
  const info = {
    lastValidators: getLastValidators(ctx.store),
    lastCommitSigners,
    misbehaviour,
    lastBlockTime: getLastBlockTime(ctx.store) ?? ctx.time,
  };
  for (const m of app.modules)
    if (m.beginBlock) guardedStep(ctx, `${m.name}/begin_block`, (c) => m.beginBlock!(c, info));
}

/** Every module's end block in the app's order, then staking decides S_{H+2} and the sets shift. */
export function endBlock(app: App, ctx: ExecContext): void {
  for (const m of app.modules) if (m.endBlock) guardedStep(ctx, `${m.name}/end_block`, (c) => m.endBlock!(c));
  const decided = guardedStep(ctx, "staking/update_active_set", updateActiveSet);
  shiftValidatorSets(ctx.store, nextSet(ctx, decided));
  setLastBlockTime(ctx.store, ctx.time);
}

/**
 * The set decided for H+2. A chain with no validators can never commit again, so when staking
 * decides an empty set (every validator jailed or slashed below one unit of power) the pending
 * set stays in office, with an event; so it does when the step failed.
 */
function nextSet(ctx: ExecContext, decided: ValidatorEntryValue[] | undefined): ValidatorEntryValue[] {
  if (decided && decided.length > 0) return decided;
  if (decided)
    ctx.events.push(event("validator_set_kept", { height: String(ctx.height), reason: "no eligible validator" }));
  return getPendingValidators(ctx.store);
}
