// Structured logging on pino: every record is a JSON object with time, level, module and msg.
// `--log-format json` writes those objects as JSON lines (for Loki, Elasticsearch, jq);
// `pretty` (the default) renders each as one readable line, and a committed block as the one
// BLOCK line an operator watches. Fields are passed as objects, never interpolated; keys and seeds
// are never passed to it.
import { pino, type Logger as Pino, type DestinationStream } from "pino";

export type LogFormat = "pretty" | "json";
export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_FORMATS: readonly LogFormat[] = ["pretty", "json"];
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export type Logger = {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** the one line per committed block */
  block(fields: { height: number; proposer: string; txs: number } & Record<string, unknown>): void;
  child(name: string): Logger;
};

export type LoggerOptions = { name: string; format?: LogFormat; level?: LogLevel; out?: (line: string) => void };

const OWN_KEYS = new Set(["time", "level", "module", "msg", "event"]);

/** One readable line for a pino record: `12:00:01.123 INFO  [node/p2p] msg k=v …`. */
export function prettyLine(r: Record<string, unknown>): string {
  const time = String(r.time ?? "").slice(11, 23);
  const fields = Object.entries(r).filter(([k]) => !OWN_KEYS.has(k));
  if (r.event === "block") {
    const f = Object.fromEntries(fields);
    const { height, proposer, txs, ...rest } = f;
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    return `${time} BLOCK [${r.module}] height=${height} proposer=${String(proposer).slice(0, 14)}… txs=${txs} ${extra}`;
  }
  const kv = fields
    .map(
      ([k, v]) =>
        `${k}=${typeof v === "string" && v.includes(" ") ? JSON.stringify(v) : typeof v === "object" ? JSON.stringify(v) : String(v)}`,
    )
    .join(" ");
  return `${time} ${String(r.level).toUpperCase().padEnd(5)} [${r.module}] ${r.msg}${kv ? " " + kv : ""}`;
}

function destination(format: LogFormat, out?: (line: string) => void): DestinationStream {
  if (format === "json")
    return out ? { write: (s: string) => out(s.trimEnd()) } : pino.destination({ fd: 1, sync: true });
  const write = out ?? ((l: string) => process.stdout.write(l + "\n"));
  return { write: (s: string) => write(prettyLine(JSON.parse(s) as Record<string, unknown>)) };
}

/**
 * A record has one `time` (when it was logged), one `level`, `module` and `msg`: a field with one
 * of those names would be a second key in the JSON line, and JSON parsers keep the last one, so
 * shippers would lose the real timestamp. Such a field is renamed (`time` → `eventTime`).
 */
function ownFields(fields: Record<string, unknown>): Record<string, unknown> {
  if (!Object.keys(fields).some((k) => OWN_KEYS.has(k))) return fields;
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [OWN_KEYS.has(k) ? `event${k[0].toUpperCase()}${k.slice(1)}` : k, v]),
  );
}

function wrap(root: Pino, name: string): Logger {
  const p = root.child({ module: name });
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) =>
    fields ? p[level](ownFields(fields), msg) : p[level](msg);
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    block: (f) => p.info({ event: "block", ...ownFields(f) }, "committed block"),
    child: (sub) => wrap(root, `${name}/${sub}`),
  };
}

export function createLogger(opts: LoggerOptions): Logger {
  const format = opts.format ?? "pretty";
  if (!LOG_FORMATS.includes(format))
    throw new Error(`unknown log format "${format}" (use ${LOG_FORMATS.join(" or ")})`);
  const level = opts.level ?? "info";
  if (!LOG_LEVELS.includes(level)) throw new Error(`unknown log level "${level}" (use ${LOG_LEVELS.join(", ")})`);
  const root = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination(format, opts.out),
  );
  return wrap(root, opts.name);
}
