// The process-level guard. Work that handles untrusted input (an RPC request, a gossip message
// being validated, a sync request being served) runs inside runAsInput(); an error that escapes
// it uncaught (a forgotten catch, a detached promise) is logged with its origin and the node keeps
// running, because one peer's or client's bytes must not stop a validator. Anything else that
// escapes — consensus, block execution, storage — stops the process loudly (exit 1, as Node does
// by default): a node must never keep running on a state it can no longer trust.
// AsyncLocalStorage carries the origin into every callback and promise the handler created, and
// Node 24 reports an unhandled rejection or uncaught exception in the context it arose in.
import { AsyncLocalStorage } from "node:async_hooks";

export type InputOrigin = "rpc" | "gossip" | "sync";
type GuardLog = {
  error(m: string, f?: Record<string, unknown>): void;
  warn(m: string, f?: Record<string, unknown>): void;
};

const scope = new AsyncLocalStorage<InputOrigin>();

/** Runs `fn` (and everything it schedules) as handling of untrusted input from `origin`. */
export function runAsInput<T>(origin: InputOrigin, fn: () => T): T {
  return scope.run(origin, fn);
}

/** Where the running code's input came from, if it is input handling. */
export function inputOrigin(): InputOrigin | undefined {
  return scope.getStore();
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  try {
    return String(err);
  } catch {
    return "(unprintable value)";
  }
}

/** Faults survived since start, by origin (for tests and metrics). */
export const survivedFaults: Record<InputOrigin, number> = { rpc: 0, gossip: 0, sync: 0 };

let installed: (() => void) | undefined;

/** Installs the guard once per process; returns a function that removes it. */
export function installProcessGuard(log: GuardLog, exit: (code: number) => void = (c) => process.exit(c)): () => void {
  if (installed) return installed;
  let logged = 0;
  let windowStart = Date.now();
  const onFault = (kind: "unhandledRejection" | "uncaughtException") => (err: unknown) => {
    const origin = inputOrigin();
    if (origin) {
      survivedFaults[origin]++;
      // a flood of the same fault must not become a flood of log lines
      if (Date.now() - windowStart > 1000) (windowStart = Date.now()), (logged = 0);
      if (++logged <= 10)
        log.warn("error escaped an input handler; the node keeps running", { kind, origin, err: describe(err) });
      return;
    }
    log.error("fatal: unhandled error outside input handling; stopping the node", { kind, err: describe(err) });
    exit(1);
  };
  const rejection = onFault("unhandledRejection");
  const exception = onFault("uncaughtException");
  process.on("unhandledRejection", rejection);
  process.on("uncaughtException", exception);
  installed = () => {
    process.off("unhandledRejection", rejection);
    process.off("uncaughtException", exception);
    installed = undefined;
  };
  return installed;
}
