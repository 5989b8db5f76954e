// The WebSocket transport on its own (real fastify on loopback): past maxWebsocketConnections an
// upgrade is refused with HTTP 503 before the handshake; messages go through the dispatcher, so
// a hostile `unsubscribe` gets -32602 and the connection lives on; per-connection in-flight limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import WebSocket from "ws";
import { startRpcServer } from "#rpc/server.ts";
import { EventBus } from "#rpc/eventBus.ts";
import type { Chain } from "#node/chain.ts";
import { freePort } from "#test/helpers/proc.ts";

describe("rpc websocket limits", () => {
  let app: FastifyInstance;
  let url: string;
  let release: () => void = () => {};
  beforeAll(async () => {
    const port = await freePort();
    const bus = new EventBus({ on() {} } as unknown as Chain);
    const slow = () => new Promise((r) => (release = () => r({})));
    app = await startRpcServer(
      new Map([
        ["health", () => ({})],
        ["net_info", slow],
      ]),
      {
        host: "127.0.0.1",
        port,
        maxBodyBytes: 4096,
        maxBatch: 10,
        corsOrigins: [],
        maxWebsocketConnections: 2,
        maxInFlightPerConnection: 1,
      },
      bus,
    );
    url = `ws://127.0.0.1:${port}/websocket`;
  });
  afterAll(async () => app.close());

  const open = (u: string) =>
    new Promise<{ ws: WebSocket; status: number }>((resolve) => {
      const ws = new WebSocket(u);
      ws.once("open", () => resolve({ ws, status: 101 }));
      ws.once("unexpected-response", (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
    });
  const next = (ws: WebSocket) =>
    new Promise<{ id: unknown; error?: { code: number; data?: { name?: string } } }>((r) =>
      ws.once("message", (d) => r(JSON.parse(String(d)))),
    );

  it("answers hostile messages, limits messages in flight per connection, refuses upgrades past the limit with 503", async () => {
    const a = await open(url);
    const b = await open(url);
    expect([a.status, b.status]).toEqual([101, 101]);
    expect((await open(url)).status).toBe(503);

    const ws = a.ws;
    ws.send('{"jsonrpc":"2.0","id":1,"method":"unsubscribe","params":{"query":{"toString":1}}}');
    expect((await next(ws)).error?.code).toBe(-32602);
    ws.send('{"jsonrpc":"2.0","id":2,"method":"net_info"}'); // holds the connection's one slot
    ws.send('{"jsonrpc":"2.0","id":3,"method":"health"}');
    expect((await next(ws)).error?.data?.name).toBe("Busy");
    release();
    expect((await next(ws)).id).toBe(2);
    ws.send('{"jsonrpc":"2.0","id":4,"method":"health"}');
    expect(await next(ws)).toMatchObject({ id: 4, result: {} });
    a.ws.close();
    b.ws.close();
  });
});
