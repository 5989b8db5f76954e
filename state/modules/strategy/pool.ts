// The pool strategy: a constant-product ststra/stra market with a 0.3 % fee (Uniswap v2 math).
// Output rounds down and the fee stays in the reserves, so k = x·y never decreases on a swap.
import type { ExecContext } from "../../context.ts";
import type { KVReader } from "../../store/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { encodeAddress } from "../../crypto/address.ts";
import { event } from "../../events.ts";
import { send } from "../bank/keeper.ts";
import {
  findStrategy,
  getLp,
  getPool,
  setLp,
  setPool,
  strategyAccount,
  StrategyKind,
  type PoolStateValue,
} from "./store.ts";

const FEE_BPS = 30n;
const E18 = 10n ** 18n;

function requirePool(s: KVReader, id: string): PoolStateValue {
  const d = findStrategy(s, id);
  if (!d || d.kind !== StrategyKind.Pool) throw new StrataError(ErrorCode.UnknownStrategy, `no pool strategy "${id}"`);
  return getPool(s, id);
}

/** Pure quote: what `amountIn` buys from the reserves. */
export function quoteOut(reserveIn: bigint, reserveOut: bigint, amountIn: bigint): bigint {
  const inAfterFee = amountIn * (10_000n - FEE_BPS);
  return (reserveOut * inAfterFee) / (reserveIn * 10_000n + inAfterFee);
}

export function swap(
  ctx: ExecContext,
  trader: Uint8Array,
  id: string,
  denomIn: string,
  amountIn: bigint,
  minOut: bigint,
): bigint {
  const p = requirePool(ctx.store, id);
  if (denomIn !== "stra" && denomIn !== "ststra")
    throw new StrataError(ErrorCode.UnknownDenom, `the pool trades stra and ststra, not ${denomIn}`);
  const straIn = denomIn === "stra";
  const [rin, rout] = straIn ? [p.reserveStra, p.reserveStstra] : [p.reserveStstra, p.reserveStra];
  if (rin === 0n || rout === 0n) throw new StrataError(ErrorCode.NoLiquidity, `pool "${id}" has no liquidity`);
  const out = quoteOut(rin, rout, amountIn);
  if (out === 0n) throw new StrataError(ErrorCode.InvalidAmount, `${amountIn}${denomIn} buys nothing`);
  if (out >= rout) throw new StrataError(ErrorCode.PoolDrained, "the swap would drain the pool");
  if (out < minOut) throw new StrataError(ErrorCode.SlippageExceeded, `swap gives ${out}, below minOut ${minOut}`);
  const acct = strategyAccount(id);
  send(ctx.store, trader, acct, denomIn, amountIn);
  send(ctx.store, acct, trader, straIn ? "ststra" : "stra", out);
  setPool(
    ctx.store,
    id,
    straIn
      ? { ...p, reserveStra: p.reserveStra + amountIn, reserveStstra: p.reserveStstra - out }
      : { ...p, reserveStstra: p.reserveStstra + amountIn, reserveStra: p.reserveStra - out },
  );
  ctx.events.push(
    event("swap", {
      pool: id,
      trader: encodeAddress(trader),
      in: `${amountIn}${denomIn}`,
      out: `${out}${straIn ? "ststra" : "stra"}`,
    }),
  );
  return out;
}

/** Adds liquidity at the pool's ratio: takes the largest proportional amounts of both. */
export function addLiquidity(
  ctx: ExecContext,
  who: Uint8Array,
  id: string,
  maxStra: bigint,
  maxStstra: bigint,
): bigint {
  const p = requirePool(ctx.store, id);
  let stra = maxStra;
  let ststra = maxStstra;
  let shares: bigint;
  if (p.lpSupply === 0n) shares = stra < ststra ? stra : ststra;
  else {
    const byStra = (maxStra * p.lpSupply) / p.reserveStra;
    const bySt = (maxStstra * p.lpSupply) / p.reserveStstra;
    shares = byStra < bySt ? byStra : bySt;
    stra = (shares * p.reserveStra + p.lpSupply - 1n) / p.lpSupply; // round up what the LP pays
    ststra = (shares * p.reserveStstra + p.lpSupply - 1n) / p.lpSupply;
  }
  if (shares === 0n) throw new StrataError(ErrorCode.InvalidAmount, "amounts too small to mint a pool share");
  const acct = strategyAccount(id);
  send(ctx.store, who, acct, "stra", stra);
  send(ctx.store, who, acct, "ststra", ststra);
  setPool(ctx.store, id, {
    reserveStra: p.reserveStra + stra,
    reserveStstra: p.reserveStstra + ststra,
    lpSupply: p.lpSupply + shares,
  });
  setLp(ctx.store, id, who, getLp(ctx.store, id, who) + shares);
  ctx.events.push(event("add_liquidity", { pool: id, provider: encodeAddress(who), shares: shares.toString() }));
  return shares;
}

export function removeLiquidity(
  ctx: ExecContext,
  who: Uint8Array,
  id: string,
  shares: bigint,
): { stra: bigint; ststra: bigint } {
  const p = requirePool(ctx.store, id);
  const have = getLp(ctx.store, id, who);
  if (shares > have) throw new StrataError(ErrorCode.InsufficientShares, `holds ${have} pool shares, asked ${shares}`);
  const stra = (shares * p.reserveStra) / p.lpSupply;
  const ststra = (shares * p.reserveStstra) / p.lpSupply;
  const acct = strategyAccount(id);
  send(ctx.store, acct, who, "stra", stra);
  send(ctx.store, acct, who, "ststra", ststra);
  setPool(ctx.store, id, {
    reserveStra: p.reserveStra - stra,
    reserveStstra: p.reserveStstra - ststra,
    lpSupply: p.lpSupply - shares,
  });
  setLp(ctx.store, id, who, have - shares);
  ctx.events.push(event("remove_liquidity", { pool: id, provider: encodeAddress(who), shares: shares.toString() }));
  return { stra, ststra };
}

/** Pool price in stra per ststra, 18 decimals (0 if empty). */
export function poolPrice(p: PoolStateValue): bigint {
  return p.reserveStstra === 0n ? 0n : (p.reserveStra * E18) / p.reserveStstra;
}
