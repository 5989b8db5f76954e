// Minimal structured logger: one readable line per event on stderr (pretty) or JSON lines.
// Fields are passed as objects, never interpolated; keys and seeds are never passed to it.
export type LogFormat = "pretty" | "json";
export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Logger = {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** the one line per committed block */
  block(fields: { height: number; proposer: string; txs: number } & Record<string, unknown>): void;
  child(name: string): Logger;
};

export function createLogger(opts: { name: string; format?: LogFormat; level?: LogLevel; out?: (line: string) => void }): Logger {
  const format = opts.format ?? "pretty";
  const min = LEVELS[opts.level ?? "info"];
  const out = opts.out ?? ((l: string) => process.stdout.write(l + "\n"));
  const write = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void => {
    if (LEVELS[level] < min) return;
    if (format === "json") {
      out(JSON.stringify({ time: new Date().toISOString(), level, module: opts.name, msg, ...fields }));
      return;
    }
    const kv = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === "string" && v.includes(" ") ? JSON.stringify(v) : String(v)}`)
      .join(" ");
    out(`${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} [${opts.name}] ${msg}${kv ? " " + kv : ""}`);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    block: (f) => {
      if (format === "json") return write("info", "committed block", f);
      const { height, proposer, txs, ...rest } = f;
      const extra = Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(" ");
      out(`${new Date().toISOString().slice(11, 23)} BLOCK [${opts.name}] height=${height} proposer=${proposer.slice(0, 14)}… txs=${txs} ${extra}`);
    },
    child: (name) => createLogger({ ...opts, name: `${opts.name}/${name}` }),
  };
}
