// Time inputs are explicit: an RFC 3339 timestamp with its offset (`Z` or `±hh:mm`). A time
// without one would be read in the node's local zone (`Date.parse("2026-01-01T00:00:00")`), so
// the same genesis would give nodes in different zones different block-1 supplies and roots.
// Parsing a fixed string is not a clock read: state/ stays deterministic.
import { ErrorCode, StrataError } from "./errors.ts";

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)$/;

/** Unix ms of an RFC 3339 timestamp with an explicit offset; anything else is refused, naming `field`. */
export function parseTimestamp(v: unknown, field: string): number {
  if (typeof v !== "string")
    throw new StrataError(
      ErrorCode.InvalidGenesis,
      `${field}: must be an RFC 3339 time string, got ${JSON.stringify(v)}`,
    );
  const m = RFC3339.exec(v);
  if (!m)
    throw new StrataError(
      ErrorCode.InvalidGenesis,
      `${field}: "${v}" is not an RFC 3339 time with an offset (e.g. 2026-01-01T00:00:00Z or 2026-01-01T09:00:00+09:00)`,
    );
  const [, , mo, d, h, mi, s] = m.map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
    throw new StrataError(ErrorCode.InvalidGenesis, `${field}: "${v}" is not a valid date and time`);
  const ms = Date.parse(v.toUpperCase());
  if (Number.isNaN(ms) || ms < 0)
    throw new StrataError(ErrorCode.InvalidGenesis, `${field}: "${v}" is not a valid time after 1970`);
  return ms;
}

/** A year of 365 days in ms: the one year every annual rate here (inflation, service rewards, APRs) is per. */
export const YEAR_MS = 31_536_000_000n;
