// Hostile input against a real node's RPC (issue 14): generated JSON-RPC over HTTP POST, URI GET
// and WebSocket — prototype keys, deep nesting, huge strings and numbers, wrong types for every
// declared param of every method, invalid UTF-8, truncation, batches. Every reply must be
// well-formed JSON-RPC, and after every group of cases the node must answer `status` and have
// committed a new block. Then the framing cases fuzzing does not reach: a Content-Length that
// disagrees with the body, a batch of 200,000 entries, and 2,000 simultaneous clients.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import WebSocket from "ws";
import { connect } from "node:net";
import { request } from "node:http";
import { useSharedNet } from "../helpers/sharedNet.ts";
import { waitFor } from "../helpers/proc.ts";
import { hostileBody, hostileUri } from "../helpers/hostileJson.ts";
import { METHOD_PARAMS, SESSION_METHODS } from "#rpc/methodParams.ts";

type Reply = { jsonrpc?: unknown; id?: unknown; result?: unknown; error?: { code?: unknown } };

/** A JSON-RPC 2.0 response (or a batch of them): version, a primitive id, a result or a numbered error. */
function expectWellFormed(text: string): void {
  const j = JSON.parse(text) as Reply | Reply[];
  for (const r of Array.isArray(j) ? j : [j]) {
    expect(r.jsonrpc).toBe("2.0");
    expect(r.id === null || typeof r.id === "string" || typeof r.id === "number").toBe(true);
    expect("result" in r || typeof r.error?.code === "number").toBe(true);
  }
}

describe("hostile RPC input (real node)", () => {
  // the shared node (netBroker.ts): whatever this file throws at it, the files after it still use it
  const net = useSharedNet();
  let url: string;
  let lastHeight = 0;

  /** The node is up, answers status, and commits: its height passes the one seen last time. */
  async function stillAlive(): Promise<void> {
    expect((await net.health()).running).toEqual([true]);
    const h = await waitFor(
      `a block after height ${lastHeight}`,
      async () => {
        const s = await net.clients[0]!.status();
        const n = Number(s.sync_info.latest_block_height);
        return n > lastHeight ? n : undefined;
      },
      20_000,
    );
    lastHeight = h;
  }

  /** A case as a short printable string: failures must not dump a 500 KB body into the log. */
  const preview = (x: unknown) => {
    const t = Buffer.isBuffer(x) ? x.toString("utf8") : String(x);
    return t.length > 300 ? `${t.slice(0, 200)}… (${t.length} chars) …${t.slice(-60)}` : t;
  };

  /** Runs the property, checking liveness every `every` cases and once at the end. */
  async function fuzz<T>(
    arb: fc.Arbitrary<T>,
    numRuns: number,
    every: number,
    send: (x: T) => Promise<void>,
    examples: [T][] = [],
  ): Promise<void> {
    let n = 0;
    const out = await fc.check(
      fc.asyncProperty(arb, async (x) => {
        await send(x);
        if (++n % every === 0) await stillAlive();
      }),
      // no shrinking: a hostile case is printed as found (with its seed, to replay it)
      { numRuns, examples, endOnFailure: true },
    );
    if (out.failed)
      throw new Error(
        `case ${out.numRuns} failed (seed ${out.seed}, path ${out.counterexamplePath}): ${out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance)}\ncase: ${preview(out.counterexample?.[0])}`,
      );
    await stillAlive();
  }

  beforeAll(async () => {
    url = net.clients[0]!.url;
  }, 60_000);
  afterAll(async () => {
    // no input may escape the dispatcher: the process guard would have logged it
    expect((await net.health()).output[0]).not.toContain("escaped an input handler");
  });

  it("WebSocket: every message answered well-formed, connection and node survive", async () => {
    const wsUrl = url.replace("http", "ws") + "/websocket";
    const waiting = new Map<string, () => void>();
    let closedWith: number | undefined;
    let onClose = () => {};
    const open = async () => {
      const ws = new WebSocket(wsUrl);
      await new Promise((r, j) => (ws.once("open", r), ws.once("error", j)));
      closedWith = undefined;
      ws.on("close", (code) => ((closedWith = code), onClose()));
      ws.on("message", (d) => {
        const text = String(d);
        expectWellFormed(text);
        const id = (JSON.parse(text) as Reply).id;
        if (typeof id === "string") waiting.get(id)?.();
      });
      return ws;
    };
    let ws = await open();
    let seq = 0;
    const known = [
      // issue 14: each of these killed the process
      Buffer.from('{"jsonrpc":"2.0","id":1,"method":"unsubscribe","params":{"query":{"toString":1}}}'),
      Buffer.from(
        `{"jsonrpc":"2.0","id":1,"method":"unsubscribe","params":{"query":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`,
      ),
      Buffer.from(
        `{"jsonrpc":"2.0","id":${"[".repeat(100_000)}${"]".repeat(100_000)},"method":"subscribe","params":{"query":"tm.event='NewBlock'"}}`,
      ),
      Buffer.from('{"jsonrpc":"2.0","id":{"a":1},"method":"subscribe","params":{"query":"tm.event=\'Tx\'"}}'),
    ];
    await fuzz(
      hostileBody,
      1500,
      150,
      async (body) => {
        ws.send(body);
        // a sentinel after each case: its answer proves the connection still serves
        const id = `sentinel-${seq++}`;
        const answered = await new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), 10_000);
          waiting.set(id, () => (clearTimeout(t), waiting.delete(id), resolve(true)));
          onClose = () => (clearTimeout(t), resolve(false));
          ws.send(JSON.stringify({ jsonrpc: "2.0", id, method: "health" }));
        });
        if (answered) return;
        // the one clean way to lose the connection: a message over maxBodyBytes (1 MiB) closes it
        // (1009, or 1006 when the close frame crosses our still-sending socket)
        expect({ bytes: body.length, closed: closedWith === 1009 || closedWith === 1006 }).toEqual({
          bytes: body.length,
          closed: body.length > 1 << 20,
        });
        ws = await open();
      },
      known.map((b) => [b]),
    );
    ws.close();
  }, 120_000);

  it("HTTP POST: every body answered with well-formed JSON-RPC (or 204/413/429)", async () => {
    const known = [Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tx_search","params":{"query":["tx.height=1"]}}')];
    await fuzz(
      hostileBody,
      1500,
      150,
      async (body) => {
        const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }).catch(
          (e: Error) => e,
        );
        // over maxBodyBytes the node answers 413 and closes without reading the rest, so a client
        // still uploading may see the reset instead of the answer
        if (r instanceof Error)
          return void expect({ bytes: body.length, err: r.message }).toEqual({
            bytes: body.length,
            err: body.length > 1 << 20 ? r.message : "none",
          });
        expect([200, 204, 413, 429]).toContain(r.status);
        if (r.status !== 204) expectWellFormed(await r.text());
      },
      known.map((b) => [b]),
    );
    const arrayQuery = await fetch(url, { method: "POST", body: known[0] });
    expect(((await arrayQuery.json()) as Reply).error?.code).toBe(-32602);
  }, 120_000);

  it("URI GET: every call answered with well-formed JSON-RPC, or 404 for an unknown path", async () => {
    await fuzz(hostileUri, 1000, 150, async (path) => {
      const r = await fetch(url + path);
      const text = await r.text();
      if ((r.headers.get("content-type") ?? "").includes("application/json")) expectWellFormed(text);
      else expect([200, 404]).toContain(r.status); // the dashboard and its assets are HTML/JS
    });
  }, 120_000);

  it("URI GET: a param of the wrong type (given twice: an array) is refused with -32602, for every param of every method", async () => {
    for (const [method, specs] of Object.entries(METHOD_PARAMS)) {
      if (SESSION_METHODS.has(method)) continue;
      for (const p of specs) {
        const r = (await (await fetch(`${url}/${method}?${p.name}=1&${p.name}=2`)).json()) as Reply;
        expect(r.error?.code, `${method} ${p.name}`).toBe(-32602);
      }
    }
    await stillAlive();
  });

  it("a Content-Length that disagrees with the body gets a JSON-RPC parse error, not fastify's page", async () => {
    const port = Number(new URL(url).port);
    const body = '{"jsonrpc":"2.0","id":1,"method":"health"}';
    const raw = await new Promise<string>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () =>
        s.write(`POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n${body}`),
      );
      let out = "";
      s.on("data", (d) => (out += String(d)));
      s.on("end", () => resolve(out));
      s.on("error", reject);
      setTimeout(() => (s.destroy(), resolve(out)), 3_000);
    });
    // every reply (to the 10-byte body, to the leftover bytes) is a JSON-RPC parse error
    const bodies = raw
      .split(/HTTP\/1\.1 /)
      .slice(1)
      .map((resp) => resp.slice(resp.indexOf("\r\n\r\n") + 4));
    // (Node's parser may see the leftover bytes first and answer only once, for the connection)
    expect(bodies.length).toBeGreaterThanOrEqual(1);
    for (const b of bodies) expect((JSON.parse(b) as Reply).error?.code).toBe(-32700);
  });

  it("a batch of 200,000 entries gets the JSON-RPC batch error, not HTTP 429", async () => {
    const r = await fetch(url, { method: "POST", body: `[${Array(200_000).fill("{}").join(",")}]` });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { error: { code: number; data: { name: string } } }).error).toMatchObject({
      code: -32600,
      data: { name: "BatchTooLarge" },
    });
  });

  it("2,000 simultaneous clients (HTTP and WebSocket) are each served or refused cleanly", async () => {
    const N_CLIENTS = 1000; // of each kind
    const port = Number(new URL(url).port);
    const http = Array.from(
      { length: N_CLIENTS },
      () =>
        new Promise<string>((resolve) => {
          const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "status" });
          const req = request(
            {
              host: "127.0.0.1",
              port,
              method: "POST",
              path: "/",
              agent: false,
              headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
            },
            (res) => {
              let t = "";
              res.on("data", (d) => (t += String(d)));
              res.on("end", () => {
                try {
                  const j = JSON.parse(t) as Reply;
                  resolve(j.result ? "served" : `refused ${res.statusCode}`);
                } catch {
                  resolve(`bad body ${res.statusCode}`);
                }
              });
            },
          );
          req.on("error", (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
          req.setTimeout(30_000, () => (req.destroy(), resolve("timeout")));
          req.end(body);
        }),
    );
    const ws = Array.from(
      { length: N_CLIENTS },
      () =>
        new Promise<string>((resolve) => {
          const s = new WebSocket(url.replace("http", "ws") + "/websocket", { handshakeTimeout: 30_000 });
          s.once("open", () => s.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "health" })));
          s.once("message", () => (s.terminate(), resolve("served")));
          s.once("unexpected-response", (_req, res) => (s.terminate(), resolve(`refused ${res.statusCode}`)));
          s.once("close", (code) => resolve(`closed ${code}`));
          s.once("error", (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
        }),
    );
    const outcomes = await Promise.all([...http, ...ws]);
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
    // clean means: an answer, or a refusal the client can read (HTTP 503, WebSocket close 1013)
    for (const o of Object.keys(counts))
      expect(o, JSON.stringify(counts)).toMatch(/^(served|refused (429|503)|closed 1013)$/);
    expect(counts.served ?? 0).toBeGreaterThan(0);
    await stillAlive();
  }, 90_000);
});
