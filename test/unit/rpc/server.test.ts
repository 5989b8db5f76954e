// The HTTP layer on its own (real fastify on loopback): the per-IP rate limit and CORS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { startRpcServer } from "#rpc/server.ts";
import { freePort } from "#test/helpers/proc.ts";

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
