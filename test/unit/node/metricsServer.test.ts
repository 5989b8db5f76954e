// The metrics port's server (node/metricsServer.ts): an operator may expose it to a remote
// Prometheus, so it must not let a crowd hold sockets, keep idle ones, or make the node collect
// metrics once per request.
import { afterEach, describe, expect, it } from "vitest";
import type { Server } from "node:http";
import { connect, type Socket } from "node:net";
import { Gauge, Registry } from "prom-client";
import { serveMetrics } from "#node/metricsServer.ts";
import { freePort, waitFor } from "#test/helpers/proc.ts";

/** A registry whose one gauge counts the collections made of it (each one slowed by `delayMs`). */
function countingRegistry(delayMs = 0) {
  const registry = new Registry();
  const seen = { collections: 0 };
  new Gauge({
    name: "test_collections",
    help: "collections so far",
    registers: [registry],
    async collect() {
      seen.collections++;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      this.set(seen.collections);
    },
  });
  return { registry, seen };
}

describe("metrics server", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it("serves GET /metrics, and 404 for anything else", async () => {
    const { registry } = countingRegistry();
    const port = await freePort();
    server = await serveMetrics(registry, "127.0.0.1", port);
    const ok = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("test_collections 1");
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: "POST" })).status).toBe(404);
  });

  it("runs one collection for requests that arrive while it runs", async () => {
    const { registry, seen } = countingRegistry(100);
    const port = await freePort();
    server = await serveMetrics(registry, "127.0.0.1", port);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text())),
    );
    expect(seen.collections).toBe(1);
    for (const a of answers) expect(a).toContain("test_collections 1");
    // once it is older than FRESH_MS, a request collects afresh
    await new Promise((r) => setTimeout(r, 300));
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain("test_collections 2");
  });

  it("holds at most maxConnections sockets; the ones past it are closed at accept", async () => {
    const { registry } = countingRegistry();
    const port = await freePort();
    server = await serveMetrics(registry, "127.0.0.1", port, { maxConnections: 4 });
    const socks: Socket[] = [];
    const closed = { n: 0 };
    for (let i = 0; i < 12; i++) {
      const s = connect(port, "127.0.0.1");
      s.on("error", () => {});
      s.on("close", () => closed.n++);
      socks.push(s);
    }
    await waitFor("the sockets past the limit closed", async () => (closed.n >= 8 ? true : undefined), 10_000);
    const held = await new Promise<number>((r, j) => server!.getConnections((e, n) => (e ? j(e) : r(n))));
    expect(held).toBeLessThanOrEqual(4);
    for (const s of socks) s.destroy();
  });

  it("closes a connection on which nothing moves", async () => {
    const { registry } = countingRegistry();
    const port = await freePort();
    server = await serveMetrics(registry, "127.0.0.1", port, { idleTimeoutMs: 500 });
    const s = connect(port, "127.0.0.1");
    s.on("error", () => {});
    let closedAt = 0;
    const t0 = Date.now();
    s.on("close", () => (closedAt = Date.now()));
    await waitFor("the idle connection closed", async () => (closedAt ? true : undefined), 10_000);
    expect(closedAt - t0).toBeGreaterThanOrEqual(400);
  });
});
