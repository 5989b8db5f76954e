// slashing keeper: liveness over a sliding window of blocks, and verified double signs.
import type { ExecContext } from "../../context.ts";
import { encodeAddress, addressFromPubkey } from "../../crypto/address.ts";
import { event } from "../../events.ts";
import type { ValidatorEntryValue } from "../../validators.ts";
import { getValidator, operatorByConsensusAddress } from "../staking/keeper.ts";
import { jail, slash } from "../staking/keeper.ts";
import type { Misbehaviour } from "../../misbehaviour.ts";
import { onOperatorSlashed } from "../strategy/keeper.ts";
import { applyStrategyLossToRequests, positionStstra } from "../lrt/keeper.ts";
import { COMMUNITY_POOL } from "../distribution/keeper.ts";
import { getParams, getSigningInfo, setSigningInfo } from "./store.ts";

const E18 = 10n ** 18n;

/**
 * Begin block: each validator of the previous block either signed it or missed it; a validator
 * that missed more than the window allows (after a full window since it started) is slashed
 * for downtime and jailed. PERF: O(validators) per block.
 */
export function trackLiveness(
  ctx: ExecContext,
  lastValidators: readonly ValidatorEntryValue[],
  signers: readonly Uint8Array[],
): void {
  if (ctx.height <= 1) return;
  const p = getParams(ctx.store);
  const signed = new Set(signers.map((a) => Buffer.from(a).toString("hex")));
  const maxMissed = BigInt(p.signedBlocksWindow) - (BigInt(p.signedBlocksWindow) * p.minSignedPerWindow) / E18;
  for (const v of lastValidators) {
    const cons = addressFromPubkey(v.pubkey);
    const op = operatorByConsensusAddress(ctx.store, cons);
    if (!op) continue;
    const val = getValidator(ctx.store, op);
    if (!val || val.jailed) continue;
    const info = getSigningInfo(ctx.store, cons) ?? {
      startHeight: ctx.height,
      indexOffset: 0,
      missedCounter: 0,
      missed: new Uint8Array(Math.ceil(p.signedBlocksWindow / 8)),
    };
    const bits =
      info.missed.length * 8 >= p.signedBlocksWindow
        ? Uint8Array.from(info.missed)
        : new Uint8Array(Math.ceil(p.signedBlocksWindow / 8));
    const idx = info.indexOffset % p.signedBlocksWindow;
    const was = (bits[idx >> 3] >> (idx & 7)) & 1;
    const missed = signed.has(Buffer.from(cons).toString("hex")) ? 0 : 1;
    let counter = info.missedCounter - was + missed;
    if (missed) bits[idx >> 3] |= 1 << (idx & 7);
    else bits[idx >> 3] &= ~(1 << (idx & 7));
    let next = { ...info, indexOffset: info.indexOffset + 1, missedCounter: counter, missed: bits };
    if (ctx.height > info.startHeight + p.signedBlocksWindow && BigInt(counter) > maxMissed) {
      slash(ctx, op, p.slashFractionDowntime, ctx.height - 2);
      punishInServices(ctx, op, "downtime");
      jail(ctx, op, ctx.time + p.downtimeJailMs);
      ctx.events.push(event("liveness", { validator: encodeAddress(op), missed_blocks: String(counter) }));
      counter = 0;
      next = { ...next, missedCounter: 0, missed: new Uint8Array(bits.length), startHeight: ctx.height };
    }
    setSigningInfo(ctx.store, cons, next);
  }
}

/**
 * Restaking services cut the allocation behind a punished operator by their fraction for the
 * fault; pending LRT withdrawals lose the same fraction as the LRT's holders.
 */
function punishInServices(ctx: ExecContext, op: Uint8Array, fault: "double_sign" | "downtime"): void {
  const before = positionStstra(ctx.store);
  onOperatorSlashed(ctx, op, fault);
  applyStrategyLossToRequests(ctx, before, COMMUNITY_POOL);
}

/**
 * Misbehaviour in a block (already verified by consensus/evidence/): each double sign slashes
 * the validator's stake (and unbondings begun since the infraction) by the double-sign fraction,
 * jails it and tombstones it for good. The consensus address is the key that signed at that
 * height; a key rotated out since still maps to its operator (staking keeps the mapping). A
 * validator already tombstoned (a second proof of the same fault) is skipped with an event.
 */
export function handleMisbehaviour(ctx: ExecContext, list: readonly Misbehaviour[]): void {
  const p = getParams(ctx.store);
  for (const m of list) {
    const op = operatorByConsensusAddress(ctx.store, m.validator);
    const val = op ? getValidator(ctx.store, op) : undefined;
    const why = !op || !val ? "unknown validator" : val.tombstoned ? "validator already tombstoned" : undefined;
    if (why || !op) {
      ctx.events.push(event("evidence_rejected", { reason: why ?? "unknown validator", height: String(m.height) }));
      continue;
    }
    slash(ctx, op, p.slashFractionDoubleSign, m.height);
    // restaking services cut the allocation behind this operator; pending LRT withdrawals
    // lose the same fraction as the LRT's holders
    punishInServices(ctx, op, "double_sign");
    jail(ctx, op, Number.MAX_SAFE_INTEGER, true);
    ctx.events.push(
      event("double_sign", { validator: encodeAddress(op), height: String(m.height), power: String(m.power) }),
    );
  }
}
