// Human amounts <-> base units: "100stra" is 100 × 10^18 base units, "2.5ststra" 2.5 × 10^18.
import { DECIMALS, isDenom, type Denom } from "../state/denoms.ts";

export type Coin = { denom: Denom; amount: bigint };

const AMOUNT = /^([0-9]+)(?:\.([0-9]+))?([a-z]+)$/;

/** "2.5ststra" -> { denom: "ststra", amount: 2.5 × 10^18 }. Rejects more than 18 decimals. */
export function parseAmount(s: string): Coin {
  const m = AMOUNT.exec(s.trim());
  if (!m) throw new Error(`invalid amount "${s}": expected a number followed by a denom, e.g. 100stra or 2.5ststra`);
  const [, whole, frac = "", denom] = m;
  if (!isDenom(denom)) throw new Error(`unknown denom "${denom}" in "${s}" (known: stra, ststra, rststra)`);
  if (frac.length > DECIMALS) throw new Error(`amount "${s}" has more than ${DECIMALS} decimals`);
  const amount = BigInt(whole) * 10n ** BigInt(DECIMALS) + BigInt(frac.padEnd(DECIMALS, "0") || "0");
  if (amount === 0n) throw new Error(`amount "${s}" must be greater than zero`);
  return { denom, amount };
}

/** 2500000000000000000n -> "2.5" */
export function formatUnits(amount: bigint): string {
  const neg = amount < 0n;
  const a = neg ? -amount : amount;
  const base = 10n ** BigInt(DECIMALS);
  const whole = a / base;
  const frac = (a % base).toString().padStart(DECIMALS, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? "." + frac : ""}`;
}

export function formatCoin(amount: bigint, denom: string): string {
  return `${formatUnits(amount)}${denom}`;
}
