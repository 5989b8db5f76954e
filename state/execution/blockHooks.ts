// What every block does besides its txs, in order: begin block (distribution pays the signers
// of the previous block), txs, end block (staking matures unbondings and decides S_{H+2}).
import "../app.ts";
import type { ExecContext } from "../context.ts";
import { ChainKey } from "../keys.ts";
import { Uint64Num } from "../encoding/types.ts";
import { allocateRewards } from "../modules/distribution/keeper.ts";
import { completeRedelegations, completeUnbondings, updateActiveSet } from "../modules/staking/keeper.ts";
import { handleEvidence, trackLiveness } from "../modules/slashing/keeper.ts";
import { maybeRunEpoch } from "../modules/lst/keeper.ts";
import { maybeRunEpoch as maybeRunLrtEpoch } from "../modules/lrt/keeper.ts";
import { getLastValidators, shiftValidatorSets } from "../validators.ts";

export function beginBlock(ctx: ExecContext, lastCommitSigners: readonly Uint8Array[], evidence: readonly Uint8Array[]): void {
  const b = ctx.store.get(ChainKey.lastBlockTime);
  const lastTime = b ? Uint64Num.deserialize(b) : ctx.time;
  const last = getLastValidators(ctx.store);
  allocateRewards(ctx, last, lastCommitSigners, lastTime);
  trackLiveness(ctx, last, lastCommitSigners);
  handleEvidence(ctx, evidence);
}

export function endBlock(ctx: ExecContext): void {
  completeUnbondings(ctx);
  completeRedelegations(ctx);
  maybeRunEpoch(ctx); // after matured unbondings have paid the lst module
  maybeRunLrtEpoch(ctx);

  shiftValidatorSets(ctx.store, updateActiveSet(ctx));
  ctx.store.set(ChainKey.lastBlockTime, Uint64Num.serialize(ctx.time));
}
