import { homedir } from "node:os";
import { join } from "node:path";
import { StrataError } from "../state/errors.ts";
import { RpcError } from "../client/rpcClient.ts";
import { formatUnits } from "../client/amount.ts";

export const DEFAULT_HOME = join(homedir(), ".strata");
export const DEFAULT_NODE = "http://127.0.0.1:26657";

export type OutputFormat = "json" | "text";

export function print(format: OutputFormat, value: unknown, text: () => string): void {
  if (format === "json") console.log(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
  else console.log(text());
}

/**
 * Amounts as people read them: the chain's messages carry base units (`49893481741474066486787stra`);
 * text output shows them in whole tokens (`49893.481741474066486787 stra`). JSON keeps base units.
 */
export function humanUnits(text: string): string {
  return text.replace(
    /\b(\d+)(rststra|ststra|stra)\b/g,
    (_m, n: string, d: string) => `${formatUnits(BigInt(n))} ${d}`,
  );
}

/** One clear line on stderr, a hint when we have one, exit 1. */
export function fail(e: unknown): never {
  // the chain's messages carry base units; the CLI's own say what the user typed
  const msg =
    e instanceof StrataError
      ? humanUnits(e.toString())
      : e instanceof RpcError
        ? humanUnits(`node rejected the request: ${e.message}`)
        : ((e as Error)?.message ?? String(e));
  console.error(`error: ${msg}`);
  const hint = hintFor(msg);
  if (hint) console.error(`hint: ${hint}`);
  process.exit(1);
}

function hintFor(msg: string): string | undefined {
  if (msg.includes("cannot reach node")) return "is the node running? start one with `npm start`, or pass --node <url>";
  if (msg.includes("genesis file not found") || msg.includes("validator key not found"))
    return "initialise a home with `strata init --chain-id <id> --moniker <name> --home <dir>`";
  if (msg.includes("key") && msg.includes("not found")) return "list keys with `strata keys list --home <dir>`";
  if (msg.includes("NonceTooLow") || msg.includes("NonceTooHigh"))
    return "another tx from this account may be pending; retry in a moment";
  return undefined;
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * An 18-decimal APR as a percentage with two decimals; "—" while the chain has no window to
 * measure it over (null: docs/lrt.md), never a "-0.00%" for a tiny negative.
 */
export function aprText(apr: string | null): string {
  if (apr === null) return "—";
  const bp = BigInt(apr) / 10n ** 14n; // hundredths of a percent, truncated toward 0
  const sign = bp < 0n ? "-" : "";
  const a = bp < 0n ? -bp : bp;
  return `${sign}${a / 100n}.${String(a % 100n).padStart(2, "0")}%`;
}
