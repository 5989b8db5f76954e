// The RPC server: JSON-RPC 2.0 on POST / (single and batch, notifications), CometBFT's URI form
// (GET /status, GET /block?height=5), WebSocket on /websocket — all three through one Dispatcher.
// Binds 127.0.0.1 unless configured otherwise. Limits: body size, nesting depth, batch size,
// requests per second and in flight per client IP, a time budget per request, WebSocket
// connections, messages in flight and subscriptions per connection, a listen backlog deep enough
// for thousands of simultaneous clients, and HTTP timeouts against clients that send slowly.
import { limitUnreadAnswers, type UnreadAnswerStats } from "./unreadAnswers.ts";
import Fastify, { type FastifyInstance } from "fastify";
import type { Socket } from "node:net";
import { CONNECTION_SLACK } from "../node/fdLimit.ts";
import { readFileSync } from "node:fs";
import {
  errorResponse,
  RpcCode,
  RpcError,
  rpcErrorResponse,
  RpcParamsError,
  RpcReason,
  type Method,
} from "./jsonrpc.ts";
import { uriArg } from "./uriArgs.ts";
import { registerWebsocket } from "./websocket.ts";
import { Dispatcher, DEFAULT_DISPATCH_LIMITS, type Outcome } from "./dispatcher.ts";
import type { EventBus } from "./eventBus.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";

export type RpcServerOptions = {
  host: string;
  port: number;
  maxBodyBytes: number;
  maxBatch: number;
  corsOrigins: string[];
  /** per client IP; 0 disables */
  maxRequestsPerSecond?: number;
  maxSubscriptionsPerConnection?: number;
  maxWebsocketConnections?: number;
  /** per request (a batch shares one); see docs/rpc.md */
  requestTimeoutMs?: number;
  maxInFlightPerIp?: number;
  maxInFlightPerConnection?: number;
  maxDepth?: number;
  /** pending TCP connections the kernel queues before accept (capped by net.core.somaxconn) */
  backlog?: number;
  /**
   * An HTTP connection on which nothing moves (no byte read or written) for this long is closed
   * (default 60 s): a client that asks and never reads would otherwise hold its answers, and the
   * socket, for good. Longer than broadcast_tx_commit's 30 s wait; WebSocket connections, idle
   * between events by nature, are exempt.
   */
  idleTimeoutMs?: number;
  /**
   * Open connections (HTTP and WebSocket) served at once (default 900, as CometBFT's
   * max_open_connections). A request on a connection opened past it is answered 503 and the
   * connection closed; past maxAcceptedConnections a connection is closed at accept. Each costs a
   * file descriptor: the caller lowers both to fit the process's limit (node/fdLimit.ts).
   */
  maxOpenConnections?: number;
  /** connections accepted at once, those past maxOpenConnections to be refused (default: + CONNECTION_SLACK) */
  maxAcceptedConnections?: number;
  /**
   * Open connections served at once from one remote address (default: no limit of its own; the
   * node passes half of maxOpenConnections unless configured). Past it, that address's new
   * connections are answered 503 and closed like those past maxOpenConnections: one client
   * cannot take every slot and lock the others out.
   */
  maxConnectionsPerIp?: number;
  /**
   * Bytes of answers all connections together may hold unread (produced, not yet taken by the
   * kernel; default 256 MiB): past it the connections holding the most are closed
   * (rpc/unreadAnswers.ts).
   */
  maxUnreadBytes?: number;
  /** bytes of answers one connection may hold unread before it is closed (default 32 MiB) */
  maxUnreadBytesPerConnection?: number;
  /** counted into as connections are closed for their unread answers (the node's metrics) */
  unreadStats?: UnreadAnswerStats;
};

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OPEN_CONNECTIONS = 900;
const DEFAULT_MAX_UNREAD_BYTES = 256 << 20;
const DEFAULT_MAX_UNREAD_BYTES_PER_CONNECTION = 32 << 20;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};
const DASHBOARD_FILES = ["index.html", "app.js", "style.css"];

function dashboardAssets(): Map<string, Buffer> {
  return new Map(DASHBOARD_FILES.map((f) => [f, readFileSync(new URL(`./dashboard/${f}`, import.meta.url))]));
}

/**
 * A request Node's HTTP parser rejects (a Content-Length that disagrees with the body, a broken
 * header) still gets a JSON-RPC body, then the connection closes: its framing can't be trusted.
 */
function clientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy();
  const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT" || err.code === "ERR_HTTP_HEADERS_TIMEOUT";
  const body = JSON.stringify(
    rpcErrorResponse(
      null,
      new RpcError(
        RpcCode.Parse,
        RpcReason.ParseError,
        timeout ? "request not received in time" : `malformed HTTP request (${err.code ?? "parse error"})`,
      ),
    ),
  );
  const status = timeout ? "408 Request Timeout" : "400 Bad Request";
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Connections past `max` are answered 503 (a JSON-RPC Busy error with a retry hint) on their
 * first request and closed, so a client learns why; connections already open keep being served.
 * Past `accepted` they are closed at accept, before they cost more than a moment's file
 * descriptor. A connection that is one too many from its remote address (`perIp`) is refused the
 * same way, so one client cannot hold every slot. PERF: a Map entry per remote address.
 */
function limitOpenConnections(app: FastifyInstance, max: number, accepted: number, perIp: number | undefined): void {
  // Only served connections count against the limits: a crowd's refused connections, open for
  // the moment it takes to answer them, must not push an honest newcomer over either limit.
  let served = 0;
  const servedFrom = new Map<string, number>();
  /** the sockets to refuse, with the limit each is past */
  const overLimit = new WeakMap<Socket, string>();
  app.server.maxConnections = accepted;
  app.server.on("connection", (socket: Socket) => {
    const ip = socket.remoteAddress ?? "";
    const mine = servedFrom.get(ip) ?? 0;
    if (served >= max) overLimit.set(socket, `too many open connections (limit ${max})`);
    else if (perIp !== undefined && mine >= perIp)
      overLimit.set(socket, `too many open connections from ${ip} (limit ${perIp} per address)`);
    else {
      served++;
      servedFrom.set(ip, mine + 1);
      socket.once("close", () => {
        served--;
        const left = (servedFrom.get(ip) ?? 1) - 1;
        if (left > 0) servedFrom.set(ip, left);
        else servedFrom.delete(ip);
      });
    }
  });
  app.addHook("onRequest", async (req, reply) => {
    const why = overLimit.get(req.raw.socket);
    if (why === undefined) return;
    const e = new RpcError(RpcCode.Server, RpcReason.Busy, `${why}; retry later`);
    // closed by us once answered, whatever the client does (an upgrade request ignores "connection: close")
    reply.raw.once("finish", () => req.raw.socket.end());
    return reply.code(503).header("connection", "close").header("retry-after", "1").send(rpcErrorResponse(null, e));
  });
}

/** The optional limits come from config.json `rpc` as given: each must be a positive integer. */
function checkLimits(opts: RpcServerOptions): void {
  for (const k of [
    "requestTimeoutMs",
    "maxInFlightPerIp",
    "maxInFlightPerConnection",
    "maxDepth",
    "backlog",
    "idleTimeoutMs",
    "maxOpenConnections",
    "maxAcceptedConnections",
    "maxConnectionsPerIp",
    "maxUnreadBytes",
    "maxUnreadBytesPerConnection",
  ] as const) {
    const v = opts[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new StrataError(
        ErrorCode.InvalidConfig,
        `config.rpc.${k}: must be a positive integer, got ${JSON.stringify(v)}`,
      );
  }
}

export async function startRpcServer(
  methods: ReadonlyMap<string, Method>,
  opts: RpcServerOptions,
  bus?: EventBus,
): Promise<FastifyInstance> {
  checkLimits(opts);
  const app = Fastify({
    bodyLimit: opts.maxBodyBytes,
    logger: false,
    // a client gets 10 s to send its request (headers within 5 s): slow senders cannot pin sockets
    requestTimeout: 10_000,
    connectionTimeout: opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    // Node checks those timeouts every connectionsCheckingInterval (30 s by default)
    http: { headersTimeout: 5_000, connectionsCheckingInterval: 2_000 },
    clientErrorHandler: clientError,
  });
  const dispatcher = new Dispatcher(methods, {
    maxBatch: opts.maxBatch,
    maxRequestsPerSecond: opts.maxRequestsPerSecond ?? DEFAULT_DISPATCH_LIMITS.maxRequestsPerSecond,
    requestTimeoutMs: opts.requestTimeoutMs ?? DEFAULT_DISPATCH_LIMITS.requestTimeoutMs,
    maxInFlightPerIp: opts.maxInFlightPerIp ?? DEFAULT_DISPATCH_LIMITS.maxInFlightPerIp,
    maxDepth: opts.maxDepth ?? DEFAULT_DISPATCH_LIMITS.maxDepth,
  });
  const send = (
    reply: { code(n: number): { type(t: string): { send(b?: string): unknown }; send(): unknown } },
    o: Outcome,
  ) =>
    o.text === undefined
      ? reply.code(o.status).send()
      : reply.code(o.status).type("application/json; charset=utf-8").send(o.text);

  // The body stays raw text: the dispatcher checks its depth before parsing, and a parse failure
  // is JSON-RPC -32700, not an HTTP 400 page.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err, _req, reply) => {
    const e = err as { statusCode?: number; message: string };
    if (e.statusCode === 413)
      return reply
        .code(413)
        .send(
          rpcErrorResponse(
            null,
            new RpcError(
              RpcCode.InvalidRequest,
              RpcReason.BodyTooLarge,
              `request body exceeds ${opts.maxBodyBytes} bytes`,
            ),
          ),
        );
    if (e.statusCode !== undefined && e.statusCode < 500)
      return reply
        .code(e.statusCode)
        .send(rpcErrorResponse(null, new RpcError(RpcCode.Parse, RpcReason.ParseError, e.message)));
    return reply
      .code(500)
      .send(rpcErrorResponse(null, new RpcError(RpcCode.Internal, RpcReason.Internal, "internal error")));
  });

  const maxOpen = opts.maxOpenConnections ?? DEFAULT_MAX_OPEN_CONNECTIONS;
  limitUnreadAnswers(
    app,
    {
      total: opts.maxUnreadBytes ?? DEFAULT_MAX_UNREAD_BYTES,
      perConnection: opts.maxUnreadBytesPerConnection ?? DEFAULT_MAX_UNREAD_BYTES_PER_CONNECTION,
    },
    opts.unreadStats,
  );
  limitOpenConnections(
    app,
    maxOpen,
    Math.max(maxOpen, opts.maxAcceptedConnections ?? maxOpen + CONNECTION_SLACK),
    opts.maxConnectionsPerIp,
  );

  app.addHook("onRequest", async (req, reply) => {
    const origin = req.headers.origin;
    if (origin && (opts.corsOrigins.includes("*") || opts.corsOrigins.includes(origin))) {
      reply.header("access-control-allow-origin", origin);
      reply.header("access-control-allow-headers", "content-type");
      reply.header("access-control-allow-methods", "GET, POST, OPTIONS");
    }
  });
  app.options("/*", async (_req, reply) => reply.code(204).send());

  if (bus) {
    await registerWebsocket(app, dispatcher, bus, {
      maxSubscriptionsPerConnection: opts.maxSubscriptionsPerConnection ?? 10,
      maxConnections: opts.maxWebsocketConnections ?? 20_000,
      maxBufferedBytes: 16 << 20,
      maxMessageBytes: opts.maxBodyBytes,
      maxInFlightPerConnection: opts.maxInFlightPerConnection ?? 16,
    });
  }

  app.post("/", async (req, reply) =>
    send(reply, await dispatcher.handleText(typeof req.body === "string" ? req.body : "", { ip: req.ip })),
  );

  // The dashboard: static files shipped in rpc/dashboard, read once; it talks to this same
  // server (POST / and /websocket), so it needs no CORS and no CDN.
  const dash = dashboardAssets();
  app.get("/", async (_req, reply) =>
    reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(dash.get("index.html")),
  );
  app.get("/dashboard/:file", async (req, reply) => {
    const { file } = req.params as { file: string };
    const body = dash.get(file);
    if (!body) return reply.code(404).type("text/plain").send("no such dashboard asset\n");
    return reply
      .type(CONTENT_TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream")
      .header("cache-control", "no-cache")
      .send(body);
  });

  // GET /health is what load balancers and supervisors probe: they read the HTTP status, not the
  // JSON-RPC body, so an unhealthy node (catching up, stalled, not yet in step after a start)
  // answers 503 with the JSON-RPC error as the body; a healthy one 200.
  app.get("/health", async (req, reply) => {
    const o = await dispatcher.handleCall("health", Object.create(null) as Record<string, unknown>, { ip: req.ip });
    const failed =
      o.status === 200 && o.text !== undefined && (JSON.parse(o.text) as { error?: unknown }).error !== undefined;
    return send(reply, failed ? { ...o, status: 503 } : o);
  });

  // URI form: GET /<method>?a=b, values as CometBFT writes them ("quoted" strings, 0x… bytes:
  // uriArgs.ts). Values stay strings (or arrays of them, for a repeated key): the dispatcher
  // checks their types.
  app.get("/:method", async (req, reply) => {
    const { method } = req.params as { method: string };
    const params: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    try {
      for (const [k, v] of Object.entries(req.query as Record<string, unknown>))
        params[k] = typeof v === "string" ? uriArg(k, v) : v;
    } catch (e) {
      if (!(e instanceof RpcParamsError)) throw e;
      return send(reply, {
        status: 200,
        text: JSON.stringify(errorResponse(-1, RpcCode.InvalidParams, "Invalid params", e.message)),
      });
    }
    return send(reply, await dispatcher.handleCall(method, params, { ip: req.ip }));
  });

  await app.listen({ host: opts.host, port: opts.port, backlog: opts.backlog ?? 4096 });
  return app;
}
