// The RPC server: JSON-RPC 2.0 on POST / (single and batch) and CometBFT's URI form
// (GET /status, GET /block?height=5). Binds 127.0.0.1 unless configured otherwise.
import Fastify, { type FastifyInstance } from "fastify";
import { handleOne, RpcCode, type Method } from "./jsonrpc.ts";

export type RpcServerOptions = { host: string; port: number; maxBodyBytes: number; maxBatch: number; corsOrigins: string[] };

export async function startRpcServer(methods: ReadonlyMap<string, Method>, opts: RpcServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: opts.maxBodyBytes, logger: false });

  // Parse JSON ourselves so a parse failure is JSON-RPC -32700, not an HTTP 400 page.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  app.addHook("onRequest", async (req, reply) => {
    const origin = req.headers.origin;
    if (origin && (opts.corsOrigins.includes("*") || opts.corsOrigins.includes(origin))) {
      reply.header("access-control-allow-origin", origin);
      reply.header("access-control-allow-headers", "content-type");
      reply.header("access-control-allow-methods", "GET, POST, OPTIONS");
    }
  });
  app.options("/*", async (_req, reply) => reply.code(204).send());

  app.post("/", async (req, reply) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(req.body ?? ""));
    } catch (e) {
      return reply.send({ jsonrpc: "2.0", id: null, error: { code: RpcCode.Parse, message: "Parse error", data: (e as Error).message } });
    }
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

  // URI form: GET /<method>?a=b. CometBFT quotes string params ("abc"); strip the quotes.
  app.get("/:method", async (req, reply) => {
    const { method } = req.params as { method: string };
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query as Record<string, string>)) params[k] = typeof v === "string" ? v.replace(/^"(.*)"$/, "$1") : v;
    const res = await handleOne(methods, { jsonrpc: "2.0", id: -1, method, params });
    return reply.code(res && "error" in res && res.error.code === RpcCode.MethodNotFound ? 404 : 200).send(res);
  });

  await app.listen({ host: opts.host, port: opts.port });
  return app;
}
