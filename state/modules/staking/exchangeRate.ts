// A validator's exchange rate between delegation shares and tokens, and the rules that keep it
// defined. Shares with no tokens behind them (a validator slashed to zero) have no rate: new
// stake is refused there, as Cosmos refuses delegations with ErrDelegatorShareExRateInvalid,
// because new tokens would be split with worthless old shares. Nothing here divides by zero.
import { ErrorCode, StrataError } from "../../errors.ts";
import { encodeAddress } from "../../crypto/address.ts";
import type { ValidatorValue } from "./types.ts";

/** True when the validator's shares are backed by tokens (or it has no shares at all). */
export function hasValidExchangeRate(v: ValidatorValue): boolean {
  return v.shares === 0n || v.tokens > 0n;
}

/** Shares that `amount` tokens buy, rounded down (against the buyer). Throws when undefined. */
export function sharesToIssue(v: ValidatorValue, amount: bigint): bigint {
  if (!hasValidExchangeRate(v)) {
    throw new StrataError(
      ErrorCode.InvalidExchangeRate,
      `validator ${encodeAddress(v.operator)} has shares but no tokens (slashed to zero): it accepts no new stake`,
    );
  }
  return v.shares === 0n ? amount : (amount * v.shares) / v.tokens;
}

/** Shares that must be burned to take `amount` tokens out, rounded up (against the seller). */
export function sharesToBurn(v: ValidatorValue, amount: bigint): bigint | undefined {
  if (v.tokens === 0n) return undefined; // nothing to take out
  return (amount * v.shares + v.tokens - 1n) / v.tokens;
}

/** Tokens that `shares` are worth, rounded down. */
export function tokensFromShares(v: ValidatorValue, shares: bigint): bigint {
  return v.shares === 0n ? 0n : (shares * v.tokens) / v.shares;
}
