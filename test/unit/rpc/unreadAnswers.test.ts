// Answers the node holds for clients that do not read them (rpc/unreadAnswers.ts). Before these
// limits, 300 connections pipelining requests for a 2 MB block and reading nothing ran a node out
// of heap (bench/unreadAnswers.ts). Here a real server with a 1 MB answer and small budgets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { connect, type Socket } from "node:net";
import WebSocket from "ws";
import { waitFor } from "#test/helpers/proc.ts";
import { startBareRpcServer } from "#test/helpers/rpcServer.ts";

const BIG = "x".repeat(1 << 20);
/** how many big answers the server built */
const built = { n: 0 };
const MB = 1 << 20;
/** what the server counts of the connections it closes for their unread answers */
const unreadStats = { closed: 0, closedBytes: 0 };

describe("answers nobody reads", () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    ({ app, port } = await startBareRpcServer(
      [
        ["genesis", () => (built.n++, { big: BIG })],
        ["health", () => ({})],
      ],
      {
        maxBodyBytes: 1 << 20,
        maxRequestsPerSecond: 0,
        maxUnreadBytes: 24 * MB,
        maxUnreadBytesPerConnection: 20 * MB,
        unreadStats,
      },
    ));
  });
  afterAll(async () => {
    app.server.closeAllConnections();
    await app.close();
  });

  const request = (method: string) => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method });
    return `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  };

  /** connections the server holds open (a paused client socket does not notice its close) */
  const serverConnections = () => new Promise<number>((r, j) => app.server.getConnections((e, n) => (e ? j(e) : r(n))));

  /** A connection that sends `n` pipelined requests for the big answer and reads nothing. */
  async function nonReader(n: number) {
    const s = connect({ port, host: "127.0.0.1" });
    s.on("error", () => {});
    await new Promise((r) => s.once("connect", r));
    s.pause();
    s.write(request("genesis").repeat(n));
    return s;
  }

  /** One request on a new connection, read whole: the answer's length, or -1 if it was cut. */
  function readOnce(method: string): Promise<number> {
    return new Promise((resolve) => {
      const s: Socket = connect({ port, host: "127.0.0.1" });
      let got = 0;
      let want = -1;
      let head = "";
      s.on("data", (d: Buffer) => {
        if (want < 0) {
          head += d.toString("latin1");
          const end = head.indexOf("\r\n\r\n");
          if (end < 0) return;
          want = Number(/content-length: (\d+)/i.exec(head.slice(0, end))?.[1] ?? -1);
          got = head.length - end - 4;
        } else got += d.length;
        if (want >= 0 && got >= want) {
          s.destroy();
          resolve(got);
        }
      });
      s.on("error", () => resolve(-1));
      s.on("close", () => resolve(want >= 0 && got >= want ? got : -1));
      s.on("connect", () => s.write(request(method)));
    });
  }

  it("closes a connection that leaves more than its share unread", async () => {
    const c = await nonReader(400); // 400 MB asked, 20 MB allowed
    await waitFor(
      "the non-reading connection closed",
      async () => ((await serverConnections()) === 0 ? true : undefined),
      10_000,
    );
    expect(unreadStats.closed).toBe(1);
    expect(unreadStats.closedBytes).toBeGreaterThan(20 * MB);
    // the requests still in the pipe when it was closed were not worked on
    expect(built.n).toBeLessThan(100);
    // a client that reads still gets the whole answer
    expect(await readOnce("genesis")).toBeGreaterThan(MB);
    c.destroy();
  }, 20_000);

  it("over the node-wide budget, closes the connections that hold the most, not a reader", async () => {
    // five connections, each within its own share (15 MB asked of 20; the kernel takes a few MB
    // of each), 50-75 MB unread together against 24
    const crowd = await Promise.all(Array.from({ length: 5 }, () => nonReader(15)));
    // the ones holding the most closed until the rest hold at most half the budget (12 MB): one
    // stays, or none
    await waitFor(
      "connections closed until the rest fit",
      async () => {
        const n = await serverConnections();
        return n <= 1 ? true : undefined;
      },
      10_000,
    );
    // readers are served throughout
    expect(await readOnce("genesis")).toBeGreaterThan(MB);
    expect(await readOnce("health")).toBeGreaterThan(0);
    for (const c of crowd) c.destroy();
  }, 20_000);

  it("WebSocket connections count against the node-wide budget too", async () => {
    const crowd: Socket[] = [];
    for (let i = 0; i < 5; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/websocket`);
      ws.on("error", () => {});
      await new Promise((r) => ws.once("open", r));
      const raw = (ws as unknown as { _socket: Socket })._socket;
      raw.pause(); // never read
      crowd.push(raw);
      // 15 requests in flight would be refused past 16; 15 MB asked of each connection
      for (let k = 0; k < 15; k++) ws.send(JSON.stringify({ jsonrpc: "2.0", id: k, method: "genesis" }));
    }
    await waitFor(
      "WebSocket connections closed until the rest fit",
      async () => ((await serverConnections()) <= 1 ? true : undefined),
      10_000,
    );
    expect(await readOnce("genesis")).toBeGreaterThan(MB);
    for (const s of crowd) s.destroy();
  }, 20_000);
});
