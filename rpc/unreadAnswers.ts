// Answers the node holds for clients that do not read them. A client may ask and never read:
// hundreds of pipelined HTTP requests fit in one TCP segment, and Node parses and answers them
// all, holding every answer until the client takes it. Measured (bench/unreadAnswers.ts): 300
// keep-alive connections, each pipelining 10 requests for a 2 MB block and reading nothing, took
// a lone validator from 419 MB to its heap limit in 20 s, and it aborted. So the bytes of answers
// produced and not yet taken by the kernel are counted, per connection and node-wide: a
// connection over its share is closed, and over the node-wide budget the connections holding the
// most are closed first (down to half the budget). A client that reads holds next to nothing and
// is never the one closed while any that does not read holds more.
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";

export type UnreadAnswerLimits = {
  /** bytes one connection may hold unread (answers produced, not yet in the kernel) */
  perConnection: number;
  /** bytes all connections together may hold unread */
  total: number;
  /** how often WebSocket connections' send buffers are added up (their answers bypass onSend) */
  sweepMs?: number;
};

/** connections closed for their unread answers, and the bytes they held (the node's metrics read it) */
export type UnreadAnswerStats = { closed: number; closedBytes: number };

/**
 * Installs the limits on `app`'s connections (HTTP answers as Fastify sends them, every socket's
 * send buffer, WebSocket ones included). PERF: O(1) per answer; O(connections) per sweep, and a
 * sort of them only when the node-wide budget is exceeded.
 */
export function limitUnreadAnswers(
  app: FastifyInstance,
  limits: UnreadAnswerLimits,
  stats: UnreadAnswerStats = { closed: 0, closedBytes: 0 },
): UnreadAnswerStats {
  /** bytes of HTTP answers handed to Fastify and not yet finished (queued behind an unread one, or unflushed) */
  const pending = new Map<Socket, number>();
  /** the sum of `pending` */
  let pendingTotal = 0;
  const sockets = new Set<Socket>();
  const forget = (s: Socket) => {
    sockets.delete(s);
    pendingTotal -= pending.get(s) ?? 0;
    pending.delete(s);
  };
  app.server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => forget(s));
  });
  const held = (s: Socket) => Math.max(pending.get(s) ?? 0, s.writableLength);
  const close = (s: Socket, bytes: number) => {
    stats.closed++;
    stats.closedBytes += bytes;
    forget(s);
    s.destroy();
  };
  const shed = () => {
    let total = 0;
    for (const s of sockets) total += held(s);
    if (total <= limits.total) return;
    const holders = [...sockets].map((s) => ({ s, bytes: held(s) })).sort((a, b) => b.bytes - a.bytes);
    for (const h of holders) {
      if (total <= limits.total / 2 || h.bytes === 0) break;
      total -= h.bytes;
      close(h.s, h.bytes);
    }
  };
  app.addHook("onSend", async (req, reply, payload) => {
    const s = req.raw.socket;
    const bytes = typeof payload === "string" ? payload.length : payload instanceof Uint8Array ? payload.byteLength : 0;
    if (bytes === 0 || s.destroyed || !sockets.has(s)) return payload;
    const mine = (pending.get(s) ?? 0) + bytes;
    pending.set(s, mine);
    pendingTotal += bytes;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const had = pending.get(s);
      if (had === undefined) return; // the connection is gone, and its count with it
      pendingTotal -= bytes;
      if (had > bytes) pending.set(s, had - bytes);
      else pending.delete(s);
    };
    reply.raw.once("finish", release);
    reply.raw.once("close", release);
    if (mine > limits.perConnection) close(s, mine);
    else if (pendingTotal > limits.total) shed();
    return payload;
  });
  // A connection closed for its unread answers may still have hundreds of pipelined requests
  // parsed and on their way: none of them is worked on (building a large answer costs CPU).
  app.addHook("preHandler", async (req, reply) => {
    if (req.raw.socket.destroyed) return reply.code(503).send();
  });
  const timer = setInterval(shed, limits.sweepMs ?? 250);
  timer.unref();
  app.addHook("onClose", async () => clearInterval(timer));
  return stats;
}
