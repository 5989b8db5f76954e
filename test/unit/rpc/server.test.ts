// The HTTP layer on its own (real fastify on loopback): the per-IP rate limit, CORS, the idle
// timeout of connections and the limit on open connections.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import WebSocket from "ws";
import { connect } from "node:net";
import { startRpcServer } from "#rpc/server.ts";
import { EventBus } from "#rpc/eventBus.ts";
import type { Chain } from "#node/chain.ts";
import { CONNECTION_SLACK } from "#node/fdLimit.ts";
import { freePort, waitFor } from "#test/helpers/proc.ts";
import { startBareRpcServer } from "#test/helpers/rpcServer.ts";

describe("rpc server limits", () => {
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    app = await startRpcServer(new Map([["health", () => ({})]]), {
      host: "127.0.0.1",
      port,
      maxBodyBytes: 4096,
      maxBatch: 10,
      corsOrigins: ["http://ok.example"],
      maxRequestsPerSecond: 20,
    });
    url = `http://127.0.0.1:${port}/`;
  });
  afterAll(async () => app.close());

  it("answers 429 with a JSON-RPC error once a client exceeds its request rate", async () => {
    // 40 at once, so that they fall in one rate window even on a slow machine (one by one they
    // could spread over several windows and never exceed the rate)
    const codes = await Promise.all(
      Array.from(
        { length: 40 },
        async (_, i) =>
          (await fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: i, method: "health" }) }))
            .status,
      ),
    );
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(20);
    expect(codes).toContain(429);
    await new Promise((r) => setTimeout(r, 1100));
    expect(
      (await fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "health" }) })).status,
    ).toBe(200);
  });

  it("sends CORS headers only to configured origins", async () => {
    const ok = await fetch(`${url}health`, { headers: { origin: "http://ok.example" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://ok.example");
    const other = await fetch(`${url}health`, { headers: { origin: "http://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

// A client that asks and never reads: without a limit its answers, and the socket, stay held for
// good. The idle timeout closes a connection on which nothing moves; a reader, however slow its
// answer, and a WebSocket idle between events are not cut.
describe("rpc connections on which nothing moves", () => {
  const IDLE_MS = 1_500;
  const BIG = "x".repeat(4 << 20);
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    app = await startRpcServer(
      new Map([
        ["health", () => ({})],
        ["genesis", () => ({ big: BIG })],
      ]),
      {
        host: "127.0.0.1",
        port,
        maxBodyBytes: 4096,
        maxBatch: 10,
        corsOrigins: [],
        idleTimeoutMs: IDLE_MS,
        // the idle timeout alone: the unread-answer limits (test/unit/rpc/unreadAnswers.test.ts) would close it first
        maxUnreadBytes: 1 << 30,
        maxUnreadBytesPerConnection: 1 << 30,
      },
      new EventBus({ on() {} } as unknown as Chain),
    );
  });
  afterAll(async () => app.close());

  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "genesis" });
  const request = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

  /** connections the server holds open */
  const serverConnections = () => new Promise<number>((r, j) => app.server.getConnections((e, n) => (e ? j(e) : r(n))));

  it("closes a connection that asks for large answers and reads none of them", async () => {
    const s = connect(port, "127.0.0.1");
    await new Promise((r) => s.once("connect", r));
    s.on("error", () => {});
    for (let i = 0; i < 10; i++) s.write(request);
    s.pause(); // reads nothing: the answers back up in the server's socket
    const t0 = Date.now();
    await waitFor("the server holding the connection", async () =>
      (await serverConnections()) === 1 ? true : undefined,
    );
    // (a paused client socket cannot see the close itself: it would have to read)
    await waitFor(
      "the server closing the idle connection",
      async () => ((await serverConnections()) === 0 ? true : undefined),
      30_000,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(IDLE_MS - 100);
    s.destroy();
  }, 40_000);

  it("a client that reads gets the whole large answer", async () => {
    const r = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body });
    expect(((await r.json()) as { result: { big: string } }).result.big.length).toBe(BIG.length);
  });

  it("a WebSocket idle for longer than the timeout stays open and answers", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket`);
    await new Promise((r, j) => ws.once("open", r).once("error", j));
    let closed = false;
    ws.once("close", () => (closed = true));
    await new Promise((r) => setTimeout(r, IDLE_MS * 2));
    expect(closed).toBe(false);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "health" }));
    const reply = await new Promise<{ id: number }>((r) => ws.once("message", (d) => r(JSON.parse(String(d)))));
    expect(reply.id).toBe(7);
    ws.close();
  }, 20_000);
});

/**
 * A keep-alive connection to the server on `port` (from `localAddress`, a loopback address, if
 * given): ask() sends one `health` request and resolves to the raw answer (or "closed").
 */
async function keepAlive(port: number, localAddress?: string) {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "health" });
  const request = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const s = connect({ port, host: "127.0.0.1", ...(localAddress ? { localAddress } : {}) });
  s.on("error", () => {});
  await new Promise((r) => s.once("connect", r));
  let buf = "";
  let closed = false;
  s.on("data", (d) => (buf += String(d)));
  s.on("close", () => (closed = true));
  const ask = async () => {
    buf = "";
    s.write(request);
    return waitFor("an answer", async () => (buf.includes("}") ? buf : closed ? "closed" : undefined), 10_000);
  };
  return { s, ask, isClosed: () => closed };
}

// Every connection costs a file descriptor: past maxOpenConnections a new connection's request is
// answered 503 and the connection closed; the connections already open keep being served; past
// the limit plus CONNECTION_SLACK a connection is closed at accept.
describe("rpc open connections", () => {
  const MAX = 3;
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    ({ app, port } = await startBareRpcServer([["health", () => ({ ok: true })]], { maxOpenConnections: MAX }));
  });
  afterAll(async () => {
    app.server.closeAllConnections();
    await app.close();
  });

  const serverConnections = () => new Promise<number>((r, j) => app.server.getConnections((e, n) => (e ? j(e) : r(n))));
  const connection = () => keepAlive(port);

  it("answers 503 on a connection past the limit and closes it; the open ones are still served", async () => {
    const open = [];
    for (let i = 0; i < MAX; i++) {
      const c = await connection();
      expect(await c.ask()).toContain("200 OK");
      open.push(c);
    }
    const extra = await connection();
    const refused = await extra.ask();
    expect(refused).toContain("503 Service Unavailable");
    expect(refused).toContain('"name":"Busy"');
    expect(refused).toContain("too many open connections (limit 3)");
    await waitFor("the refused connection closed", async () => (extra.isClosed() ? true : undefined));
    for (const c of open) expect(await c.ask()).toContain("200 OK");
    // a WebSocket past the limit is refused the same way, before the handshake
    const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket`);
    const status = await new Promise<number>((r) => {
      ws.once("unexpected-response", (_q, res) => r(res.statusCode ?? 0));
      ws.once("open", () => r(101));
      ws.once("error", () => r(-1));
    });
    expect(status).toBe(503);
    // (not closed by the client: the server closes a refused connection itself)
    // once one closes, a new connection is served
    open.pop()!.s.destroy();
    await waitFor("the server seeing the close", async () =>
      (await serverConnections()) <= MAX - 1 ? true : undefined,
    );
    const next = await connection();
    expect(await next.ask()).toContain("200 OK");
    for (const c of [...open, next]) c.s.destroy();
  }, 30_000);

  it("closes connections at accept past the limit plus the slack", async () => {
    const socks = await Promise.all(
      Array.from({ length: MAX + CONNECTION_SLACK + 20 }, async () => {
        const s = connect(port, "127.0.0.1");
        s.on("error", () => {});
        await new Promise((r) => s.once("connect", r));
        return s;
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await serverConnections()).toBeLessThanOrEqual(MAX + CONNECTION_SLACK);
    for (const s of socks) s.destroy();
  }, 30_000);
});

// One remote address may hold maxConnectionsPerIp of the connections served: past that, its new
// connections are refused as those past the whole limit are, and other addresses are still served.
// (Linux routes all of 127.0.0.0/8 to loopback, so local source addresses stand for clients.)
describe("rpc connections per remote address", () => {
  const PER_IP = 2;
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    ({ app, port } = await startBareRpcServer([["health", () => ({ ok: true })]], {
      maxOpenConnections: 10,
      maxConnectionsPerIp: PER_IP,
    }));
  });
  afterAll(async () => {
    app.server.closeAllConnections();
    await app.close();
  });

  const connectionFrom = (localAddress: string) => keepAlive(port, localAddress);

  it("refuses an address's connection past its share; other addresses are served", async () => {
    const mine = [];
    for (let i = 0; i < PER_IP; i++) {
      const c = await connectionFrom("127.0.0.2");
      expect(await c.ask()).toContain("200 OK");
      mine.push(c);
    }
    const extra = await connectionFrom("127.0.0.2");
    const refused = await extra.ask();
    expect(refused).toContain("503 Service Unavailable");
    expect(refused).toContain('"name":"Busy"');
    expect(refused).toContain("too many open connections from 127.0.0.2 (limit 2 per address)");
    await waitFor("the refused connection closed", async () => (extra.isClosed() ? true : undefined));
    // another address, with the first one at its share: served
    const other = await connectionFrom("127.0.0.3");
    expect(await other.ask()).toContain("200 OK");
    // the first address's open connections still are
    for (const c of mine) expect(await c.ask()).toContain("200 OK");
    // one of them closed, the address may connect again (the count follows closes)
    mine.pop()!.s.destroy();
    await waitFor("a new connection from 127.0.0.2 served", async () => {
      const c = await connectionFrom("127.0.0.2");
      const a = await c.ask();
      c.s.destroy();
      return a.includes("200 OK") ? true : undefined;
    });
    for (const c of [...mine, other]) c.s.destroy();
  }, 30_000);
});
