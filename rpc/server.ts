// The RPC server: JSON-RPC 2.0 on POST / (single and batch, notifications), CometBFT's URI form
// (GET /status, GET /block?height=5), WebSocket on /websocket. Binds 127.0.0.1 unless configured
// otherwise. Limits: body size, batch size, requests per second per client IP, WebSocket
// connections and subscriptions.
import Fastify, { type FastifyInstance } from "fastify";
import { readFileSync } from "node:fs";
import { handleOne, RpcCode, type Method } from "./jsonrpc.ts";
import { registerWebsocket } from "./websocket.ts";
import type { EventBus } from "./eventBus.ts";

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
};

/** A token bucket per client IP: refills `rate` per second, holds at most `rate`. */
function rateLimiter(rate: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (ip: string, cost: number): boolean => {
    if (rate <= 0) return true;
    const now = performance.now();
    let b = buckets.get(ip);
    if (!b) {
      if (buckets.size > 10_000) buckets.clear();
      buckets.set(ip, (b = { tokens: rate, at: now }));
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  };
}

const CONTENT_TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const DASHBOARD_FILES = ["index.html", "app.js", "style.css"];

function dashboardAssets(): Map<string, Buffer> {
  return new Map(DASHBOARD_FILES.map((f) => [f, readFileSync(new URL(`./dashboard/${f}`, import.meta.url))]));
}

export async function startRpcServer(methods: ReadonlyMap<string, Method>, opts: RpcServerOptions, bus?: EventBus): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: opts.maxBodyBytes, logger: false });
  const allow = rateLimiter(opts.maxRequestsPerSecond ?? 0);
  const limited = { jsonrpc: "2.0", id: null, error: { code: RpcCode.Internal, message: "Internal error", data: "rate limit exceeded: too many requests from this client" } };

  // Parse JSON ourselves so a parse failure is JSON-RPC -32700, not an HTTP 400 page.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err, _req, reply) => {
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.statusCode === 413) return reply.code(413).send({ jsonrpc: "2.0", id: null, error: { code: RpcCode.InvalidRequest, message: "Invalid Request", data: `request body exceeds ${opts.maxBodyBytes} bytes` } });
    return reply.code(e.statusCode ?? 500).send({ jsonrpc: "2.0", id: null, error: { code: RpcCode.Internal, message: "Internal error", data: e.message } });
  });

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
    await registerWebsocket(app, methods, bus, {
      maxSubscriptionsPerConnection: opts.maxSubscriptionsPerConnection ?? 10,
      maxConnections: opts.maxWebsocketConnections ?? 20_000,
      maxBufferedBytes: 16 << 20,
      maxMessageBytes: opts.maxBodyBytes,
    });
  }

  app.post("/", async (req, reply) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(req.body ?? ""));
    } catch (e) {
      return reply.send({ jsonrpc: "2.0", id: null, error: { code: RpcCode.Parse, message: "Parse error", data: (e as Error).message } });
    }
    if (!allow(req.ip, Array.isArray(parsed) ? Math.max(1, parsed.length) : 1)) return reply.code(429).send(limited);
    if (Array.isArray(parsed)) {
      if (parsed.length === 0) return reply.send({ jsonrpc: "2.0", id: null, error: { code: RpcCode.InvalidRequest, message: "Invalid Request", data: "empty batch" } });
      if (parsed.length > opts.maxBatch) {
        return reply.send({ jsonrpc: "2.0", id: null, error: { code: RpcCode.InvalidRequest, message: "Invalid Request", data: `batch of ${parsed.length} exceeds limit ${opts.maxBatch}` } });
      }
      const out = (await Promise.all(parsed.map((r) => handleOne(methods, r)))).filter((r) => r !== undefined);
      return out.length ? reply.send(out) : reply.code(204).send();
    }
    const res = await handleOne(methods, parsed);
    return res ? reply.send(res) : reply.code(204).send();
  });

  // The dashboard: static files shipped in rpc/dashboard, read once; it talks to this same
  // server (POST / and /websocket), so it needs no CORS and no CDN.
  const dash = dashboardAssets();
  app.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(dash.get("index.html")));
  app.get("/dashboard/:file", async (req, reply) => {
    const { file } = req.params as { file: string };
    const body = dash.get(file);
    if (!body) return reply.code(404).type("text/plain").send(`no dashboard asset ${file}\n`);
    return reply.type(CONTENT_TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream").header("cache-control", "no-cache").send(body);
  });

  // URI form: GET /<method>?a=b. CometBFT quotes string params ("abc"); strip the quotes.
  app.get("/:method", async (req, reply) => {
    if (!allow(req.ip, 1)) return reply.code(429).send(limited);
    const { method } = req.params as { method: string };
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query as Record<string, string>)) params[k] = typeof v === "string" ? v.replace(/^"(.*)"$/, "$1") : v;
    if (params.prove === "true") params.prove = true;
    const res = await handleOne(methods, { jsonrpc: "2.0", id: -1, method, params });
    return reply.code(res && "error" in res && res.error.code === RpcCode.MethodNotFound ? 404 : 200).send(res);
  });

  await app.listen({ host: opts.host, port: opts.port });
  return app;
}
