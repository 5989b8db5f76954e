// The one rule by which ststra and rststra are minted against their backing (ERC-4626's
// convertToShares), with the defences every share token needs:
// - rounding down for the depositor;
// - the first deposit locks DEAD_SHARES for good (Uniswap v2's MINIMUM_LIQUIDITY; OpenZeppelin's
//   ERC-4626 gets the same effect with a virtual offset), so the supply can never again be a
//   handful of base units whose rate a rounding or a reward could push to extremes and round
//   later deposits down to nothing;
// - with shares outstanding and nothing backing them (all slashed away) the rate is undefined:
//   deposits are refused until the backing is resolved, instead of minting 1:1 beside holders
//   whose claims are worth nothing.
// Backing always comes from the module's own records, never from a balance anyone can send to.
import { YEAR_MS } from "./timestamp.ts";

/** Base units of shares locked by the first deposit (10^-15 of a token: nothing of value). */
export const DEAD_SHARES = 1000n;

export type MintQuote =
  | { ok: true; minted: bigint; dead: bigint }
  | { ok: false; reason: "NoBacking" | "FirstDepositTooSmall" | "TooSmall" };

/**
 * Shares minted for `amount` (in the backing's unit) given the current `supply` and `backing`.
 * `minted` goes to the depositor and `dead` to the dead-shares holder. Pure.
 */
export function quoteMint(supply: bigint, backing: bigint, amount: bigint): MintQuote {
  if (supply === 0n) {
    if (amount <= DEAD_SHARES) return { ok: false, reason: "FirstDepositTooSmall" };
    return { ok: true, minted: amount - DEAD_SHARES, dead: DEAD_SHARES };
  }
  if (backing === 0n) return { ok: false, reason: "NoBacking" };
  const minted = (amount * supply) / backing;
  return minted === 0n ? { ok: false, reason: "TooSmall" } : { ok: true, minted, dead: 0n };
}

/** Backing per share, 18 decimals, rounded down (1.0 with no supply). */
export function shareRate(supply: bigint, backing: bigint): bigint {
  const E18 = 10n ** 18n;
  return supply === 0n ? E18 : (backing * E18) / supply;
}

/**
 * APR measured from a share token's recorded rate history (the last `lookback` points):
 * (rate now / rate then − 1) annualised, 18 decimals; null until there is a window to measure.
 */
export function aprOf(history: readonly { time: number; rate: bigint }[], lookback = 10): string | null {
  if (history.length < 2) return null;
  const a = history[Math.max(0, history.length - 1 - lookback)];
  const b = history[history.length - 1];
  const dt = BigInt(b.time - a.time);
  if (dt <= 0n || a.rate === 0n) return null;
  return (((b.rate - a.rate) * 10n ** 18n * YEAR_MS) / (a.rate * dt)).toString();
}
