/** The chain's three denoms, all with 18 decimals. Any other denom is rejected (UnknownDenom). */
export const DENOMS = ["stra", "ststra", "rststra"] as const;
export type Denom = (typeof DENOMS)[number];
export const DECIMALS = 18;
export const ONE = 10n ** 18n;
/** Amounts are uint128 on the wire and in state. */
export const MAX_AMOUNT = (1n << 128n) - 1n;

export function isDenom(s: string): s is Denom {
  return (DENOMS as readonly string[]).includes(s);
}
