// JSON-RPC over WebSocket on /websocket, as CometBFT: any method, plus subscribe/unsubscribe/
// unsubscribe_all with event queries. Each event is sent with the id of its subscribe request.
// A slow client whose send buffer passes a limit is disconnected rather than allowed to grow
// the node's memory.
import type { FastifyInstance } from "fastify";
import websocket from "@fastify/websocket";
import type { WebSocket } from "ws";
import { handleOne, RpcCode, toRpcError, type Method, type RpcId } from "./jsonrpc.ts";
import { parseQuery } from "./query.ts";
import type { EventBus } from "./eventBus.ts";

export type WsOptions = { maxSubscriptionsPerConnection: number; maxConnections: number; maxBufferedBytes: number; maxMessageBytes: number };

export async function registerWebsocket(app: FastifyInstance, methods: ReadonlyMap<string, Method>, bus: EventBus, opts: WsOptions): Promise<void> {
  await app.register(websocket, { options: { maxPayload: opts.maxMessageBytes } });
  let open = 0;
  app.get("/websocket", { websocket: true }, (socket: WebSocket) => {
    if (open >= opts.maxConnections) {
      socket.close(1013, "too many connections");
      return;
    }
    open++;
    const subs = new Map<string, { id: RpcId; unsubscribe: () => void }>();
    const send = (msg: unknown) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > opts.maxBufferedBytes) {
        socket.close(1008, "client too slow: send buffer full");
        return;
      }
      socket.send(JSON.stringify(msg));
    };
    socket.on("message", async (raw: Buffer) => {
      let req: { jsonrpc?: string; id?: RpcId; method?: string; params?: Record<string, unknown> };
      try {
        req = JSON.parse(raw.toString());
      } catch (e) {
        return send({ jsonrpc: "2.0", id: null, error: { code: RpcCode.Parse, message: "Parse error", data: (e as Error).message } });
      }
      const id = req?.id ?? null;
      if (req?.method === "subscribe") {
        try {
          const query = parseQuery(String(req.params?.query ?? ""));
          if (subs.has(query.text)) return send({ jsonrpc: "2.0", id, error: { code: RpcCode.InvalidParams, message: "Invalid params", data: "already subscribed" } });
          if (subs.size >= opts.maxSubscriptionsPerConnection) {
            return send({ jsonrpc: "2.0", id, error: { code: RpcCode.Internal, message: "Internal error", data: `max_subscriptions_per_client ${opts.maxSubscriptionsPerConnection} reached` } });
          }
          const unsubscribe = bus.subscribe({ query, deliver: (result) => send({ jsonrpc: "2.0", id, result }) });
          subs.set(query.text, { id, unsubscribe });
          return send({ jsonrpc: "2.0", id, result: {} });
        } catch (e) {
          return send(toRpcError(id, e));
        }
      }
      if (req?.method === "unsubscribe") {
        const text = String(req.params?.query ?? "");
        const s = subs.get(text);
        if (!s) return send({ jsonrpc: "2.0", id, error: { code: RpcCode.InvalidParams, message: "Invalid params", data: "subscription not found" } });
        s.unsubscribe();
        subs.delete(text);
        return send({ jsonrpc: "2.0", id, result: {} });
      }
      if (req?.method === "unsubscribe_all") {
        for (const s of subs.values()) s.unsubscribe();
        subs.clear();
        return send({ jsonrpc: "2.0", id, result: {} });
      }
      const res = await handleOne(methods, req);
      if (res) send(res);
    });
    socket.on("close", () => {
      open--;
      for (const s of subs.values()) s.unsubscribe();
      subs.clear();
    });
    socket.on("error", () => socket.terminate());
  });
}
