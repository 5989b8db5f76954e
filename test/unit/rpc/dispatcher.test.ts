// The dispatcher on its own: envelope, depth, batch limits, declared params (named and
// positional), prototype keys, time budget, WebSocket-only methods. Every method a node serves
// must declare its params (the dispatcher refuses to start otherwise).
import { describe, expect, it } from "vitest";
import { Dispatcher, MAX_BATCH_ANSWER_CHARS } from "#rpc/dispatcher.ts";
import { METHOD_PARAMS } from "#rpc/methodParams.ts";
import { APP } from "#state/app.ts";
import { checkpoint } from "#rpc/workBudget.ts";
import { exceedsDepth } from "#rpc/jsonDepth.ts";
import type { Method } from "#rpc/jsonrpc.ts";

const seen: Record<string, unknown>[] = [];
const record: Method = (p) => (seen.push(p), { ok: true });
function dispatcher(extra: [string, Method][] = [], limits = {}) {
  const methods = new Map<string, Method>([
    ["block", record],
    ["tx_search", record],
    ["validators", record],
    ["abci_query", record],
    ["health", () => ({})],
    ...extra,
  ]);
  return new Dispatcher(methods, { maxBatch: 5, requestTimeoutMs: 200, ...limits });
}
const call = async (d: Dispatcher, body: unknown) => {
  const o = await d.handleText(typeof body === "string" ? body : JSON.stringify(body), { ip: "1.2.3.4" });
  return { status: o.status, json: o.text === undefined ? undefined : JSON.parse(o.text) };
};
const req = (method: string, params?: unknown, id: unknown = 1) => ({
  jsonrpc: "2.0",
  id,
  method,
  ...(params === undefined ? {} : { params }),
});

describe("rpc dispatcher", () => {
  it("refuses to start with a method that declares no params", () => {
    expect(() => new Dispatcher(new Map([["undeclared", () => 1]]))).toThrow(/no declared params/);
  });

  it("checks nesting depth on the raw text, ignoring brackets inside strings", async () => {
    expect(exceedsDepth("[".repeat(33) + "]".repeat(33), 32)).toBe(true);
    expect(exceedsDepth("[".repeat(32) + "]".repeat(32), 32)).toBe(false);
    expect(exceedsDepth(JSON.stringify({ s: '[[[[[[[[[[\\"[[[[' }), 2)).toBe(false);
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tx_search","params":{"query":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    const r = await call(dispatcher(), deep);
    expect(r.json.error).toMatchObject({ code: -32600, data: { name: "TooDeep" } });
  });

  it("validates the envelope: jsonrpc, method, id (string, number or null only)", async () => {
    const d = dispatcher();
    expect((await call(d, "{oops")).json.error.code).toBe(-32700);
    expect((await call(d, { ...req("health"), jsonrpc: "1.0" })).json.error.code).toBe(-32600);
    expect((await call(d, { ...req("health"), method: { toString: 1 } })).json.error.code).toBe(-32600);
    for (const id of [{ a: 1 }, [1], true])
      expect((await call(d, req("health", undefined, id))).json).toMatchObject({ id: null, error: { code: -32600 } });
    expect((await call(d, req("health", undefined, "x".repeat(300)))).json.error.code).toBe(-32600);
    expect((await call(d, req("nope"))).json.error.code).toBe(-32601);
    expect((await call(d, req("toString"))).json.error.code).toBe(-32601);
    expect((await call(d, req("__proto__"))).json.error.code).toBe(-32601);
    expect((await call(d, 5)).json.error.code).toBe(-32600);
    expect((await call(d, { jsonrpc: "2.0", method: "health" })).status).toBe(204);
  });

  it("a batch's answer stops growing past its limit: later items are refused unrun, in order", async () => {
    let ran = 0;
    const fifth = "x".repeat(Math.ceil(MAX_BATCH_ANSWER_CHARS / 5));
    const d = dispatcher([["genesis", () => (ran++, { big: fifth })]], { maxBatch: 100 });
    const out = await call(
      d,
      Array.from({ length: 40 }, (_, id) => req("genesis", undefined, id)),
    );
    expect(out.json).toHaveLength(40);
    expect(out.json.map((r: { id: number }) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const served = out.json.filter((r: { result?: unknown }) => r.result !== undefined).length;
    // the limit is passed by the sixth answer; items already running (8 at a time) still finish
    expect(served).toBeGreaterThanOrEqual(6);
    expect(served).toBeLessThanOrEqual(6 + 8);
    expect(ran).toBe(served);
    for (const r of out.json.slice(served))
      expect(r.error).toMatchObject({ code: -32000, data: { name: "AnswerTooLarge" } });
    // one request alone is not cut, however large its answer
    const whole = "y".repeat(MAX_BATCH_ANSWER_CHARS + 10);
    const one = await call(dispatcher([["genesis", () => ({ whole })]]), req("genesis"));
    expect(one.json.result.whole).toHaveLength(MAX_BATCH_ANSWER_CHARS + 10);
  });

  it("refuses new work Busy while answers in progress hold more than the node-wide limit", async () => {
    const big = "x".repeat(1 << 20);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const d = dispatcher(
      [
        ["genesis", () => ({ big })],
        ["validators", () => gate.then(() => ({ ok: true }))],
      ],
      { maxAnswerCharsInProgress: 1 << 19, requestTimeoutMs: 5_000 },
    );
    // a batch whose first answer (1 MB) is built and held while its second waits
    const first = call(d, [req("genesis", undefined, 1), req("validators", undefined, 2)]);
    await new Promise((r) => setTimeout(r, 20));
    const refused = await call(d, req("genesis", undefined, 3));
    expect(refused.json.error).toMatchObject({ code: -32000, data: { name: "Busy" } });
    expect(refused.json.error.data.detail).toContain("too many large answers");
    release();
    expect((await first).json.map((r: { result?: unknown }) => r.result !== undefined)).toEqual([true, true]);
    // handed over, the first batch's answer no longer counts
    expect((await call(d, req("genesis", undefined, 4))).json.result.big).toHaveLength(1 << 20);
  });

  it("batch errors: empty and oversized batches are JSON-RPC errors, checked before the rate limit", async () => {
    const d = dispatcher([], { maxRequestsPerSecond: 10 });
    expect((await call(d, [])).json.error.data.name).toBe("EmptyBatch");
    const big = await call(
      d,
      Array.from({ length: 200_000 }, () => req("health")),
    );
    expect(big.status).toBe(200);
    expect(big.json.error).toMatchObject({ code: -32600, data: { name: "BatchTooLarge" } });
    const ok = await call(d, [
      req("health", undefined, 1),
      { jsonrpc: "2.0", method: "health" },
      req("nope", undefined, 2),
    ]);
    expect(ok.json.map((r: { id: number }) => r.id)).toEqual([1, 2]);
  });

  it("type-checks every param before the method runs; prototype keys never reach it", async () => {
    const d = dispatcher();
    seen.length = 0;
    const bad = [
      req("tx_search", { query: { toString: 1 } }),
      req("tx_search", { query: ["tx.height=1"] }),
      req("tx_search", { query: "tx.height=1", page: { valueOf: 1 } }),
      req("tx_search", { query: "tx.height=1", order_by: "sideways" }),
      req("block", { height: "1e3" }),
      req("block", { height: 1.5 }),
      req("block", { height: 2 ** 60 }),
      req("block", ["1", "2"]),
      req("abci_query", { path: "/store", data: "zz" }),
      req("tx_search", { query: "x".repeat(600) }),
      req("tx_search", 5),
      req("tx_search", "query"),
    ];
    for (const r of bad) expect((await call(d, r)).json.error.code).toBe(-32602);
    expect(seen).toEqual([]);
    const proto = JSON.parse('{"query":"tx.height=1","__proto__":{"page":7},"constructor":1}');
    await call(d, req("tx_search", proto));
    await call(d, req("tx_search", { query: "tx.height=1" }));
    expect(seen.map((p) => ({ ...p }))).toEqual([{ query: "tx.height=1" }, { query: "tx.height=1" }]);
    expect(Object.getPrototypeOf(seen[0])).toBeNull();
  });

  it("maps positional params to declared names, and URI strings to their types", async () => {
    const d = dispatcher();
    seen.length = 0;
    await call(d, req("validators", ["5", 2, "30"]));
    await call(d, req("tx_search", ["tx.height=3", "true", "1", "10", "desc"]));
    await d.handleCall("block", { height: "7" }, { ip: "u" });
    expect(seen.map((p) => ({ ...p }))).toEqual([
      { height: 5, page: 2, per_page: 30 },
      { query: "tx.height=3", prove: true, page: 1, per_page: 10, order_by: "desc" },
      { height: 7 },
    ]);
    expect((await d.handleCall("block", { height: ["1", "2"] }, { ip: "u" })).text).toContain("-32602");
    expect((await d.handleCall("nope", {}, { ip: "u" })).status).toBe(404);
  });

  it("turns anything a method throws into a JSON-RPC error, and stops work past its time budget", async () => {
    let scanned = 0;
    const d = dispatcher([
      [
        "status",
        () => {
          throw Object.assign(new Error("boom"), { toString: 1 });
        },
      ],
      [
        "num_unconfirmed_txs",
        () => {
          throw { weird: true };
        },
      ],
      [
        "block_search",
        async () => {
          for (;;) {
            await checkpoint();
            scanned++;
          }
        },
      ],
      ["genesis", () => ({ big: 10n })],
    ]);
    expect((await call(d, req("status"))).json.error).toMatchObject({ code: -32603, data: "boom" });
    expect((await call(d, req("num_unconfirmed_txs"))).json.error.code).toBe(-32603);
    const t0 = performance.now();
    expect((await call(d, req("block_search", { query: "block.height>1" }))).json.error.data.name).toBe(
      "TimeBudgetExceeded",
    );
    expect(performance.now() - t0).toBeLessThan(2000);
    const n = scanned;
    await new Promise((r) => setTimeout(r, 50));
    expect(scanned).toBe(n); // the loop stopped at its next checkpoint
    expect((await call(d, req("genesis"))).json.error.code).toBe(-32603);
  });

  it("subscribe/unsubscribe are WebSocket-only; a session gets validated params", async () => {
    const d = dispatcher();
    expect((await call(d, req("subscribe", { query: "tm.event='NewBlock'" }))).json.error.data.name).toBe(
      "WebsocketOnly",
    );
    const calls: unknown[] = [];
    let inFlight = 0;
    const session = {
      tryEnter: () => (inFlight++, true),
      leave: () => void inFlight--,
      subscribe: (q: string, id: unknown) => void calls.push([q, id]),
      unsubscribe: (q: string) => void calls.push(q),
      unsubscribeAll: () => {},
    };
    const o = await d.handleText(JSON.stringify(req("unsubscribe", { query: { toString: 1 } })), { ip: "w", session });
    expect(JSON.parse(o.text!).error.code).toBe(-32602);
    await d.handleText(JSON.stringify(req("subscribe", { query: "tm.event='Tx'" }, "s")), { ip: "w", session });
    expect(calls).toEqual([["tm.event='Tx'", "s"]]);
    expect(inFlight).toBe(0);
  });

  it("every method of a node has declared params", () => {
    for (const [name, specs] of Object.entries(METHOD_PARAMS))
      for (const s of specs) expect(typeof s.name, name).toBe("string");
  });

  it("app queries are declared from their module manifests, not by hand", () => {
    for (const [name, q] of APP.queries) {
      const specs = METHOD_PARAMS[name];
      expect(specs, name).toBeDefined();
      // …plus the height every app query takes (past states, rpc/appMethods.ts), last
      expect(
        specs!.map((s) => [s.name, s.required ?? false]),
        name,
      ).toEqual([...(q.args ?? []).map((a) => [a.name, !a.optional]), ["height", false]]);
    }
  });
});
