// JSON-RPC over WebSocket on /websocket, as CometBFT: any method, plus subscribe/unsubscribe/
// unsubscribe_all with event queries. Each event is sent with the id of its subscribe request.
// Every message goes through the dispatcher (the same checks as HTTP); this file only keeps the
// connection's subscriptions. A slow client whose send buffer passes a limit is disconnected
// rather than allowed to grow the node's memory; past the connection limit an upgrade is refused
// with HTTP 503 before any handshake work.
import type { FastifyInstance } from "fastify";
import websocket from "@fastify/websocket";
import type { WebSocket } from "ws";
import { RpcCode, RpcError, RpcParamsError, RpcReason, rpcErrorResponse, type RpcId } from "./jsonrpc.ts";
import { parseQuery } from "./query.ts";
import type { EventBus } from "./eventBus.ts";
import type { Dispatcher, Session } from "./dispatcher.ts";

export type WsOptions = {
  maxSubscriptionsPerConnection: number;
  maxConnections: number;
  maxBufferedBytes: number;
  maxMessageBytes: number;
  /** messages being handled at once per connection; more are answered Busy */
  maxInFlightPerConnection: number;
};

export async function registerWebsocket(
  app: FastifyInstance,
  dispatcher: Dispatcher,
  bus: EventBus,
  opts: WsOptions,
): Promise<void> {
  await app.register(websocket, { options: { maxPayload: opts.maxMessageBytes } });
  let open = 0;
  const tooMany = () => open >= opts.maxConnections;
  app.get(
    "/websocket",
    {
      websocket: true,
      preValidation: async (_req, reply) => {
        if (tooMany())
          return reply
            .code(503)
            .header("retry-after", "1")
            .send(
              rpcErrorResponse(null, new RpcError(RpcCode.Server, RpcReason.Busy, "too many WebSocket connections")),
            );
      },
    },
    (socket: WebSocket, req) => {
      if (tooMany()) {
        socket.close(1013, "too many connections");
        return;
      }
      open++;
      const subs = new Map<string, () => void>();
      let inFlight = 0;
      const sendText = (text: string) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > opts.maxBufferedBytes) {
          socket.close(1008, "client too slow: send buffer full");
          return;
        }
        socket.send(text);
      };
      const session: Session = {
        tryEnter: () => (inFlight < opts.maxInFlightPerConnection ? (inFlight++, true) : false),
        leave: () => void inFlight--,
        subscribe(text: string, id: RpcId) {
          const query = parseQuery(text);
          if (subs.has(query.text)) throw new RpcParamsError("already subscribed");
          if (subs.size >= opts.maxSubscriptionsPerConnection)
            throw new RpcError(
              RpcCode.Internal,
              RpcReason.SubscriptionLimit,
              `max_subscriptions_per_client ${opts.maxSubscriptionsPerConnection} reached`,
            );
          // id was validated by the dispatcher (string, number or null), so this cannot throw
          const prefix = `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`;
          subs.set(
            query.text,
            bus.subscribe({ query, deliver: (result) => sendText(prefix + JSON.stringify(result) + "}") }),
          );
        },
        unsubscribe(text: string) {
          const unsubscribe = subs.get(text);
          if (!unsubscribe) throw new RpcParamsError("subscription not found");
          unsubscribe();
          subs.delete(text);
        },
        unsubscribeAll() {
          for (const u of subs.values()) u();
          subs.clear();
        },
      };
      const caller = { ip: req.ip, session };
      socket.on("message", (raw: Buffer) => {
        const text = raw.toString("utf8");
        dispatcher.handleText(text, caller).then(
          (o) => o.text !== undefined && sendText(o.text),
          () => socket.terminate(), // the dispatcher answers every input; reaching here is our bug, not worth the process
        );
      });
      socket.on("close", () => {
        open--;
        session.unsubscribeAll();
      });
      socket.on("error", () => socket.terminate());
    },
  );
}
