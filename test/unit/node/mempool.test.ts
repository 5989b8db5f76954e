import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Mempool, type MempoolTx } from "#node/mempool.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";

let counter = 0;
function tx(sender: string, nonce: number, fee = 100n, size = 100, gas = 10n): MempoolTx {
  return { hash: `H${counter++}`, bytes: new Uint8Array(size), sender, nonce: BigInt(nonce), fee, gas };
}
function pool(
  nonces: Record<string, number> = {},
  opts: Partial<{
    maxTxs: number;
    maxBytes: number;
    maxPerSender: number;
    maxNonceGap: number;
    ttlNumBlocks: number;
    ttlDurationMs: number;
  }> = {},
) {
  return new Mempool(
    { maxTxs: 1000, maxBytes: 1 << 20, maxPerSender: 100, maxNonceGap: 50, ...opts },
    { accountNonce: (s) => BigInt(nonces[s] ?? 0) },
  );
}
function code(f: () => void): number {
  try {
    f();
  } catch (e) {
    if (e instanceof StrataError) return e.code;
    throw e;
  }
  return 0;
}

describe("mempool", () => {
  it("dedupes by hash", () => {
    const m = pool();
    const t = tx("a", 0);
    m.add(t);
    expect(code(() => m.add(t))).toBe(ErrorCode.TxAlreadyInMempool);
    expect(m.size).toBe(1);
  });

  it("rejects stale nonces and nonces too far ahead", () => {
    const m = pool({ a: 5 });
    expect(code(() => m.add(tx("a", 4)))).toBe(ErrorCode.NonceTooLow);
    expect(code(() => m.add(tx("a", 56)))).toBe(ErrorCode.NonceGapTooLarge);
    expect(code(() => m.add(tx("a", 55)))).toBe(0);
  });

  it("reaps each sender in nonce order and senders by fee per gas", () => {
    const m = pool();
    m.add(tx("a", 1, 1000n));
    m.add(tx("a", 0, 10n));
    m.add(tx("b", 0, 500n));
    m.add(tx("c", 0, 50n));
    const out = m.reap(10, 1 << 20).map((t) => `${t.sender}${t.nonce}`);
    expect(out).toEqual(["b0", "c0", "a0", "a1"]);
  });

  it("fills a block by fee priority up to its gas budget (blocks sized by cost, not count)", () => {
    const m = pool();
    m.add(tx("a", 0, 3000n, 100, 30n));
    m.add(tx("b", 0, 2000n, 100, 20n));
    m.add(tx("c", 0, 500n, 100, 50n));
    expect(m.reap(10, 1 << 20, 50n).map((t) => t.sender)).toEqual(["a", "b"]);
    expect(m.reap(10, 1 << 20, 49n).map((t) => t.sender)).toEqual(["a"]);
    expect(m.reap(10, 1 << 20).map((t) => t.sender)).toEqual(["a", "b", "c"]);
  });

  it("holds txs beyond a nonce gap until the gap fills", () => {
    const m = pool();
    m.add(tx("a", 0));
    m.add(tx("a", 2));
    expect(m.reap(10, 1 << 20).map((t) => Number(t.nonce))).toEqual([0]);
    m.add(tx("a", 1));
    expect(m.reap(10, 1 << 20).map((t) => Number(t.nonce))).toEqual([0, 1, 2]);
  });

  it("replaces a pending nonce only with a 10% higher fee per gas", () => {
    const m = pool();
    m.add(tx("a", 0, 100n));
    expect(code(() => m.add(tx("a", 0, 109n)))).toBe(ErrorCode.FeeTooLow);
    const r = tx("a", 0, 110n);
    m.add(r);
    expect(m.size).toBe(1);
    expect(m.reap(1, 1 << 20)[0].hash).toBe(r.hash);
  });

  it("caps per sender", () => {
    const m = pool({}, { maxPerSender: 2 });
    m.add(tx("a", 0));
    m.add(tx("a", 1));
    expect(code(() => m.add(tx("a", 2)))).toBe(ErrorCode.SenderQueueFull);
  });

  it("when full, evicts the cheapest tail of another sender only for a better-paying tx", () => {
    const m = pool({}, { maxTxs: 2 });
    m.add(tx("a", 0, 100n));
    m.add(tx("b", 0, 10n));
    expect(code(() => m.add(tx("c", 0, 10n)))).toBe(ErrorCode.MempoolFull);
    m.add(tx("c", 0, 50n));
    expect(
      m
        .reap(10, 1 << 20)
        .map((t) => t.sender)
        .sort(),
    ).toEqual(["a", "c"]);
  });

  it("enforces the byte cap", () => {
    const m = pool({}, { maxBytes: 250 });
    m.add(tx("a", 0, 10n, 100));
    m.add(tx("b", 0, 10n, 100));
    expect(code(() => m.add(tx("c", 0, 10n, 100)))).toBe(ErrorCode.MempoolFull);
    expect(m.bytes).toBe(200);
  });

  it("update drops committed and stale txs and those failing recheck", () => {
    const nonces: Record<string, number> = {};
    const m = pool(nonces);
    const a0 = tx("a", 0);
    const a1 = tx("a", 1);
    const b0 = tx("b", 0);
    const c0 = tx("c", 0);
    for (const t of [a0, a1, b0, c0]) m.add(t);
    nonces.a = 1;
    nonces.b = 1; // b0 was included by someone else's block under another hash
    m.update([a0.hash], (t) => t.sender !== "c");
    expect(m.has(a0.hash)).toBe(false);
    expect(m.has(b0.hash)).toBe(false);
    expect(m.has(c0.hash)).toBe(false);
    expect(m.has(a1.hash)).toBe(true);
    expect(m.size).toBe(1);
    expect(m.bytes).toBe(100);
  });

  it("update given the senders a block touched re-checks only those (the others' accounts did not change)", () => {
    const nonces: Record<string, number> = {};
    const m = pool(nonces);
    const a0 = tx("a", 0);
    const b0 = tx("b", 0);
    const c0 = tx("c", 0);
    for (const t of [a0, b0, c0]) m.add(t);
    nonces.a = 1;
    const looked: string[] = [];
    m.update([], (t) => (looked.push(t.sender), t.sender !== "c"), undefined, false, new Set(["a", "c", "zz"]));
    expect(looked).toEqual(["c"]); // a's tx is spent (nonce), b was not touched, zz holds nothing
    expect(m.has(a0.hash)).toBe(false);
    expect(m.has(b0.hash)).toBe(true);
    expect(m.has(c0.hash)).toBe(false);
  });

  it("reap respects count and byte limits", () => {
    const m = pool();
    for (let i = 0; i < 10; i++) m.add(tx(`s${i}`, 0, 100n, 100));
    expect(m.reap(3, 1 << 20)).toHaveLength(3);
    expect(m.reap(10, 450)).toHaveLength(4);
  });

  it("property: reaped txs are contiguous per sender from the account nonce, within limits, and size/bytes add up", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            s: fc.constantFrom("a", "b", "c", "d"),
            n: fc.nat(8),
            fee: fc.bigInt({ min: 1n, max: 1000n }),
            size: fc.integer({ min: 1, max: 300 }),
          }),
          { maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 100, max: 5000 }),
        (adds, maxTxs, maxBytes) => {
          const base: Record<string, number> = { a: 0, b: 1, c: 2, d: 0 };
          const m = pool(base, { maxTxs: 20, maxBytes: 3000 });
          for (const a of adds) {
            try {
              m.add(tx(a.s, a.n, a.fee, a.size));
            } catch (e) {
              if (!(e instanceof StrataError)) throw e;
            }
          }
          const all = m.list(1000);
          expect(m.size).toBe(all.length);
          expect(m.bytes).toBe(all.reduce((s, t) => s + t.bytes.length, 0));
          expect(m.size).toBeLessThanOrEqual(20);
          expect(m.bytes).toBeLessThanOrEqual(3000);
          const out = m.reap(maxTxs, maxBytes);
          expect(out.length).toBeLessThanOrEqual(maxTxs);
          expect(out.reduce((s, t) => s + t.bytes.length, 0)).toBeLessThanOrEqual(maxBytes);
          const next: Record<string, bigint> = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, BigInt(v)]));
          for (const t of out) {
            expect(t.nonce).toBe(next[t.sender]);
            next[t.sender]++;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("TTL in blocks: a stuck tx expires with the later nonces of its sender, and says so", () => {
    const nonces: Record<string, number> = { a: 0, b: 0 };
    const m = new Mempool(
      { maxTxs: 100, maxBytes: 1 << 20, maxPerSender: 100, maxNonceGap: 50, ttlNumBlocks: 5 },
      { accountNonce: (s) => BigInt(nonces[s] ?? 0) },
    );
    const a1 = tx("a", 1); // nonce 0 never arrived: a1 and a2 are stuck
    const a2 = tx("a", 2);
    const b0 = tx("b", 0);
    m.add(a1, { height: 10, time: 0 });
    m.add(a2, { height: 13, time: 0 });
    m.add(b0, { height: 13, time: 0 });
    m.update([], undefined, { height: 14, time: 0 });
    expect(m.size).toBe(3);
    m.update([], undefined, { height: 15, time: 0 });
    expect(m.has(a1.hash) || m.has(a2.hash)).toBe(false);
    expect(m.has(b0.hash)).toBe(true);
    expect(m.dropped(a1.hash)).toEqual({ height: 15, reason: "ttl" });
    expect(m.dropped(a2.hash)).toEqual({ height: 15, reason: "dependency" });
    expect(m.dropCounts).toMatchObject({ ttl: 1, dependency: 1 });
    // resubmitted: no longer reported as dropped
    m.add(a1, { height: 15, time: 0 });
    expect(m.dropped(a1.hash)).toBeUndefined();
  });

  it("blocks that came by sync do not count against the TTL", () => {
    const m = pool({}, { ttlNumBlocks: 5 });
    const a = tx("a", 0);
    m.update([], undefined, { height: 10, time: 0 });
    m.add(a, { height: 10, time: 0 });
    for (let h = 11; h <= 40; h++) m.update([], undefined, { height: h, time: 0 }, true);
    expect(m.has(a.hash)).toBe(true);
    for (let h = 41; h <= 44; h++) m.update([], undefined, { height: h, time: 0 });
    expect(m.has(a.hash)).toBe(true);
    m.update([], undefined, { height: 45, time: 0 });
    expect(m.dropped(a.hash)?.reason).toBe("ttl");
  });

  it("TTL in time, and a failed recheck drops the later nonces too", () => {
    const m = pool({}, { ttlDurationMs: 1000 });
    const a0 = tx("a", 0);
    const c0 = tx("c", 0);
    const c1 = tx("c", 1);
    m.add(a0, { height: 1, time: 5000 });
    m.add(c0, { height: 1, time: 5500 });
    m.add(c1, { height: 1, time: 5500 });
    m.update([], (t) => t.hash !== c0.hash, { height: 2, time: 6000 });
    expect(m.dropped(a0.hash)?.reason).toBe("ttl");
    expect(m.dropped(c0.hash)?.reason).toBe("recheck");
    expect(m.dropped(c1.hash)?.reason).toBe("dependency");
    expect(m.size).toBe(0);
  });

  it("a tx evicted by a pricier one is recorded as dropped; committed ones are not", () => {
    const m = pool({}, { maxTxs: 2 });
    const cheap = tx("a", 0, 10n);
    const other = tx("b", 0, 100n);
    m.add(cheap);
    m.add(other);
    m.add(tx("c", 0, 1000n));
    expect(m.dropped(cheap.hash)?.reason).toBe("evicted");
    m.update([other.hash]);
    expect(m.dropped(other.hash)).toBeUndefined();
  });

  it("pendingSince lists txs admitted at or before a time, oldest first; admitted() keeps admissions", () => {
    const m = pool();
    const a = tx("a", 0);
    const b = tx("b", 0);
    m.add(a, { height: 1, time: 100 });
    m.add(b, { height: 1, time: 900 });
    expect(m.pendingSince(500, 10)).toEqual([a.hash]);
    expect(m.pendingSince(900, 1)).toEqual([a.hash]);
    expect([...m.admitted()].map((x) => x.at.time)).toEqual([100, 900]);
  });
});
