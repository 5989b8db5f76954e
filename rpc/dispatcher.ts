// The one path every RPC request takes, whatever its transport (HTTP POST, URI GET, WebSocket):
// size and depth of the raw text, JSON parse, the JSON-RPC 2.0 envelope, batch size, the per-IP
// rate and in-flight limits, each method's declared params, a time budget, and anything thrown
// turned into a JSON-RPC error. Replies are serialized here too, so a transport only writes text.
import { runAsInput } from "../node/processGuard.ts";
import { exceedsDepth } from "./jsonDepth.ts";
import {
  errorResponse,
  RpcCode,
  RpcError,
  rpcErrorResponse,
  RpcReason,
  toRpcError,
  type Method,
  type RpcId,
  type RpcResponse,
} from "./jsonrpc.ts";
import { METHOD_PARAMS, SESSION_METHODS } from "./methodParams.ts";
import { validateParams, type ParamSpec } from "./paramSchema.ts";
import { rateLimiter } from "./rateLimiter.ts";
import { InFlight } from "./inFlight.ts";
import { DeadlineWatch, runWithBudget, timeBudgetExceeded } from "./workBudget.ts";

export type DispatchLimits = {
  maxBatch: number;
  /** nesting of arrays/objects in a request */
  maxDepth: number;
  /** per request (a whole batch shares one); methods may declare a longer one */
  requestTimeoutMs: number;
  /** requests in progress per client IP (a batch counts once) */
  maxInFlightPerIp: number;
  /** per client IP; 0 disables */
  maxRequestsPerSecond: number;
  /**
   * characters of answers built and not yet handed to the server, node-wide: past it, requests
   * (and batch items) not yet started are refused Busy. Bounds the memory a crowd of clients
   * asking for large answers at once makes the node hold before any of it is sent.
   */
  maxAnswerCharsInProgress: number;
};

export const DEFAULT_DISPATCH_LIMITS: DispatchLimits = {
  maxBatch: 100,
  maxDepth: 32,
  requestTimeoutMs: 5_000,
  maxInFlightPerIp: 128,
  maxRequestsPerSecond: 50_000,
  maxAnswerCharsInProgress: 256 << 20,
};

/** broadcast_tx_commit waits up to 30 s for its block, as CometBFT's timeout_broadcast_tx_commit */
const METHOD_BUDGET_MS: Record<string, number> = { broadcast_tx_commit: 35_000 };

/** A WebSocket connection: its subscriptions and its own in-flight limit. */
export type Session = {
  tryEnter(): boolean;
  leave(): void;
  subscribe(query: string, id: RpcId): void;
  unsubscribe(query: string): void;
  unsubscribeAll(): void;
};
export type Caller = { ip: string; session?: Session };
/** `text` undefined: nothing to send (notifications only). */
export type Outcome = { status: number; text: string | undefined };

const MAX_METHOD_NAME = 64;
/** batch items in progress at once, per batch */
const BATCH_CONCURRENCY = 8;
/** how long a reply holding a Busy refusal is held back */
const BUSY_RETRY_DELAY_MS = 200;
/**
 * A batch's answer stops growing past this (its items not yet run are answered AnswerTooLarge):
 * a 10 KB batch of 100 requests for a 2 MB block asked for a 200 MB answer, and 80 such clients
 * took a node to 2.7 GB (bench/unreadAnswers.ts --batch 100). A single request is not cut.
 */
export const MAX_BATCH_ANSWER_CHARS = 16 << 20;

function validId(id: unknown): id is RpcId {
  return id === null || (typeof id === "string" && id.length <= 256) || (typeof id === "number" && Number.isFinite(id));
}

/** The id a reply to `r` carries; undefined for a notification. */
function idOf(r: unknown): RpcId | undefined {
  if (typeof r !== "object" || r === null || Array.isArray(r)) return null;
  if (!Object.hasOwn(r, "id")) return undefined;
  const id = (r as { id: unknown }).id;
  return validId(id) ? id : null;
}

const isBusy = (data: unknown): boolean =>
  typeof data === "object" && data !== null && (data as { name?: unknown }).name === RpcReason.Busy;

const invalid = (detail: string) => new RpcError(RpcCode.InvalidRequest, RpcReason.InvalidRequest, detail);

/** JSON text of a reply; a result that cannot be serialized becomes an internal error. */
function serialize(r: RpcResponse): string {
  try {
    return JSON.stringify(r);
  } catch {
    return JSON.stringify(
      rpcErrorResponse(r.id, new RpcError(RpcCode.Internal, RpcReason.Internal, "result could not be serialized")),
    );
  }
}

export class Dispatcher {
  private readonly methods: ReadonlyMap<string, Method>;
  private readonly limits: DispatchLimits;
  private readonly allow: (ip: string, cost: number) => boolean;
  private readonly inFlight: InFlight;
  private readonly specs = new Map<string, readonly ParamSpec[]>();
  private readonly deadlines = new DeadlineWatch();
  /** characters of answers built by requests still in progress (DispatchLimits.maxAnswerCharsInProgress) */
  private answerChars = 0;

  constructor(methods: ReadonlyMap<string, Method>, limits: Partial<DispatchLimits> = {}) {
    this.methods = methods;
    this.limits = { ...DEFAULT_DISPATCH_LIMITS, ...limits };
    this.allow = rateLimiter(this.limits.maxRequestsPerSecond);
    this.inFlight = new InFlight(this.limits.maxInFlightPerIp);
    for (const name of [...methods.keys(), ...SESSION_METHODS]) {
      const s = METHOD_PARAMS[name];
      // a broken invariant of this program, caught at startup: every method declares its params
      if (!s) throw new Error(`RPC method ${name} has no declared params in rpc/methodParams.ts`);
      this.specs.set(name, s);
    }
  }

  /** A POST body or a WebSocket message. */
  async handleText(text: string, caller: Caller): Promise<Outcome> {
    if (exceedsDepth(text, this.limits.maxDepth))
      return this.refuse(
        new RpcError(
          RpcCode.InvalidRequest,
          RpcReason.TooDeep,
          `request nests deeper than ${this.limits.maxDepth} levels`,
        ),
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return this.refuse(
        new RpcError(RpcCode.Parse, RpcReason.ParseError, e instanceof Error ? e.message : "invalid JSON"),
      );
    }
    if (!Array.isArray(parsed)) return this.run([parsed], false, caller);
    if (parsed.length === 0)
      return this.refuse(new RpcError(RpcCode.InvalidRequest, RpcReason.EmptyBatch, "empty batch"));
    if (parsed.length > this.limits.maxBatch)
      return this.refuse(
        new RpcError(
          RpcCode.InvalidRequest,
          RpcReason.BatchTooLarge,
          `batch of ${parsed.length} exceeds limit ${this.limits.maxBatch}`,
        ),
      );
    return this.run(parsed, true, caller);
  }

  /** The URI form: GET /<method>?<params>; every value arrives as a string (or an array of them). */
  async handleCall(method: string, params: Record<string, unknown>, caller: Caller): Promise<Outcome> {
    const o = await this.run([{ jsonrpc: "2.0", id: -1, method, params }], false, caller);
    // the URI form is a path: an unknown method is an unknown path
    return this.specs.has(method) && (this.methods.has(method) || SESSION_METHODS.has(method))
      ? o
      : { ...o, status: 404 };
  }

  /** An error answered with id null before any request was looked at. */
  refuse(e: RpcError): Outcome {
    return { status: 200, text: serialize(rpcErrorResponse(null, e)) };
  }

  private async run(reqs: unknown[], batch: boolean, caller: Caller): Promise<Outcome> {
    if (!this.allow(caller.ip, reqs.length))
      return {
        status: 429,
        text: serialize(
          rpcErrorResponse(
            null,
            new RpcError(
              RpcCode.Server,
              RpcReason.RateLimited,
              "rate limit exceeded: too many requests from this client",
            ),
          ),
        ),
      };
    const refusedBusy = (what: string) => ({
      status: 200,
      text: serialize(
        rpcErrorResponse(
          null,
          new RpcError(RpcCode.Server, RpcReason.Busy, `too many requests in progress from this ${what}: retry later`),
        ),
      ),
    });
    if (!this.inFlight.tryEnter(caller.ip)) return refusedBusy("client");
    if (caller.session && !caller.session.tryEnter()) {
      this.inFlight.leave(caller.ip);
      return refusedBusy("connection");
    }
    /** characters of this message's answer so far, counted node-wide until it is handed over */
    let chars = 0;
    try {
      // one deadline for the whole message: a batch cannot hold a connection longer than a request
      const deadline = performance.now() + this.limits.requestTimeoutMs;
      // A batch runs BATCH_CONCURRENCY items at a time, answered in order: enough to keep the
      // signature workers busy with a batch of broadcast_tx_sync, while one batch cannot fan out
      // into a hundred reads at once. Once the node refuses an item as Busy, items not yet started
      // are refused unrun (a client retrying a refused batch at once then costs almost nothing).
      // Each item's answer is serialized as it comes, so the batch's answer is measured as it
      // grows: past MAX_BATCH_ANSWER_CHARS the items not yet started are refused unrun.
      const texts: (string | undefined)[] = new Array<string | undefined>(reqs.length);
      let busy: RpcError | undefined;
      let tooLarge: RpcError | undefined;
      let next = 0;
      const worker = async () => {
        while (next < reqs.length) {
          const i = next++;
          const r = reqs[i];
          if (!busy && !tooLarge && this.answerChars > this.limits.maxAnswerCharsInProgress)
            busy = new RpcError(
              RpcCode.Server,
              RpcReason.Busy,
              "the node is building too many large answers at once: retry later",
            );
          const refusal = busy ?? tooLarge;
          if (refusal) {
            const id = idOf(r);
            if (id !== undefined) texts[i] = serialize(rpcErrorResponse(id, refusal));
            continue;
          }
          const res = await runAsInput("rpc", () => this.one(r, caller, deadline));
          if (res === undefined) continue;
          const text = serialize(res);
          texts[i] = text;
          chars += text.length;
          this.answerChars += text.length;
          if (batch && chars > MAX_BATCH_ANSWER_CHARS)
            tooLarge ??= new RpcError(
              RpcCode.Server,
              RpcReason.AnswerTooLarge,
              `this batch's answer passed ${MAX_BATCH_ANSWER_CHARS} characters: ask for the rest in another request`,
            );
          if ("error" in res && isBusy(res.error.data))
            busy ??= new RpcError(
              RpcCode.Server,
              RpcReason.Busy,
              "an earlier request of this batch was refused as busy: retry later",
            );
        }
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, reqs.length) }, worker));
      const out = texts.filter((x): x is string => x !== undefined);
      // a refused client that retries at once would spin; holding its answer (and its in-flight
      // slot) a moment costs the node a timer, and slows the retry loop to the node's pace
      if (busy) await new Promise((r) => setTimeout(r, BUSY_RETRY_DELAY_MS));
      if (out.length === 0) return { status: 204, text: undefined };
      return { status: 200, text: batch ? `[${out.join(",")}]` : out[0]! };
    } finally {
      this.answerChars -= chars;
      this.inFlight.leave(caller.ip);
      caller.session?.leave();
    }
  }

  /** One request object; undefined for a notification (no "id" member). */
  private async one(req: unknown, caller: Caller, deadline: number): Promise<RpcResponse | undefined> {
    if (typeof req !== "object" || req === null || Array.isArray(req))
      return rpcErrorResponse(null, invalid("request must be an object"));
    const r = req as Record<string, unknown>;
    const hasId = Object.hasOwn(r, "id");
    if (hasId && !validId(r.id))
      return rpcErrorResponse(null, invalid("id must be a string (up to 256 characters), a finite number or null"));
    const id: RpcId = hasId ? (r.id as RpcId) : null;
    const reply = (res: RpcResponse): RpcResponse | undefined => (hasId ? res : undefined);
    if (r.jsonrpc !== "2.0") return rpcErrorResponse(id, invalid('jsonrpc must be "2.0"'));
    const method = r.method;
    if (typeof method !== "string" || method.length === 0 || method.length > MAX_METHOD_NAME)
      return rpcErrorResponse(id, invalid(`method must be a string of 1 to ${MAX_METHOD_NAME} characters`));
    const specs = this.specs.get(method);
    const handler = this.methods.get(method);
    const session = SESSION_METHODS.has(method);
    if (!specs || (!handler && !session))
      return reply(errorResponse(id, RpcCode.MethodNotFound, "Method not found", method));
    try {
      const params = validateParams(specs, Object.hasOwn(r, "params") ? r.params : undefined);
      if (session) return reply({ jsonrpc: "2.0", id, result: this.sessionCall(method, params, id, caller) });
      const budgetMs = Math.max(deadline - performance.now(), METHOD_BUDGET_MS[method] ?? 0);
      if (budgetMs <= 0) throw timeBudgetExceeded(this.limits.requestTimeoutMs);
      const result = await runWithBudget(budgetMs, () => this.withDeadline(() => handler!(params), budgetMs));
      return reply({ jsonrpc: "2.0", id, result });
    } catch (e) {
      return reply(toRpcError(id, e));
    }
  }

  /**
   * The handler's answer, or TimeBudgetExceeded once `ms` pass while it waits (the work itself
   * stops at its next checkpoint). A synchronous answer needs no watching.
   */
  private withDeadline(f: () => unknown, ms: number): unknown {
    const r = f();
    if (!(r instanceof Promise)) return r;
    // the work may still fail after we stopped waiting for it: that is no longer anyone's error
    r.catch(() => {});
    // a millisecond late, so the work's own checkpoint has seen its deadline pass when we answer
    return this.deadlines.race(r, performance.now() + ms + 1, () => timeBudgetExceeded(Math.round(ms)));
  }

  private sessionCall(
    method: string,
    params: Record<string, unknown>,
    id: RpcId,
    caller: Caller,
  ): Record<string, never> {
    const s = caller.session;
    if (!s)
      throw new RpcError(
        RpcCode.InvalidRequest,
        RpcReason.WebsocketOnly,
        `${method} is only available over WebSocket (/websocket)`,
      );
    if (method === "subscribe") s.subscribe(params.query as string, id);
    else if (method === "unsubscribe") s.unsubscribe(params.query as string);
    else s.unsubscribeAll();
    return {};
  }
}
