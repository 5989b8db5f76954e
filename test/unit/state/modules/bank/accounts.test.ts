import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Account } from "#state/encoding/types.ts";
import {
  addBalance,
  chargeFee,
  getAccount,
  getBalance,
  incrementNonce,
  send,
  subBalance,
} from "#state/modules/bank/keeper.ts";
import { accountKey } from "#state/modules/bank/store.ts";
import { MemoryStore, Overlay } from "#state/store/overlay.ts";

// The keeper decodes an account once per stored encoding (a WeakMap from the bytes) and charges
// fee and nonce in one write. Both are only sound if what a read returns always equals the
// stored bytes decoded afresh, whatever mix of writes, failed writes and dropped child overlays
// came before: that is what this tries to break.

const addrs = [1, 2, 3, 4].map((i) => new Uint8Array(20).fill(i));
const denoms = ["stra", "ststra", "é"]; // a non-ASCII denom: its UTF-8 is longer than the string

type Model = Map<number, { nonce: bigint; balances: Map<string, bigint> }>;

const op = fc.oneof(
  fc.record({ kind: fc.constant("add"), a: fc.nat(3), d: fc.nat(2), n: fc.bigInt(0n, 1000n) }),
  fc.record({ kind: fc.constant("sub"), a: fc.nat(3), d: fc.nat(2), n: fc.bigInt(0n, 1000n) }),
  fc.record({ kind: fc.constant("send"), a: fc.nat(3), b: fc.nat(3), d: fc.nat(2), n: fc.bigInt(0n, 1000n) }),
  fc.record({ kind: fc.constant("fee"), a: fc.nat(3), b: fc.nat(3), d: fc.nat(2), n: fc.bigInt(0n, 1000n) }),
  fc.record({ kind: fc.constant("nonce"), a: fc.nat(3) }),
  fc.record({ kind: fc.constant("child"), keep: fc.boolean(), a: fc.nat(3), d: fc.nat(2), n: fc.bigInt(1n, 500n) }),
);
type Op = { kind: string; a: number; b?: number; d?: number; n?: bigint; keep?: boolean };

function bal(m: Model, a: number, d: string): bigint {
  return m.get(a)?.balances.get(d) ?? 0n;
}
function setBal(m: Model, a: number, d: string, v: bigint): void {
  const e = m.get(a) ?? { nonce: 0n, balances: new Map() };
  if (v === 0n) e.balances.delete(d);
  else e.balances.set(d, v);
  m.set(a, e);
}
function bumpNonce(m: Model, a: number): void {
  const e = m.get(a) ?? { nonce: 0n, balances: new Map() };
  e.nonce++;
  m.set(a, e);
}

/** The model's account as the keeper reports it (balances sorted by denom bytes, no zeros). */
function modelAccount(m: Model, a: number) {
  const e = m.get(a);
  const enc = new TextEncoder();
  const balances = [...(e?.balances ?? new Map<string, bigint>())]
    .map(([d, amount]) => ({ denom: enc.encode(d), amount }))
    .sort((x, y) => Buffer.compare(x.denom, y.denom));
  return { nonce: e?.nonce ?? 0n, balances };
}

function apply(store: Overlay, m: Model, o: Op): void {
  const d = denoms[o.d ?? 0];
  const [a, b] = [addrs[o.a], addrs[o.b ?? 0]];
  const n = o.n ?? 0n;
  switch (o.kind) {
    case "add":
      addBalance(store, a, d, n);
      setBal(m, o.a, d, bal(m, o.a, d) + n);
      return;
    case "sub":
    case "send":
    case "fee": {
      const have = bal(m, o.a, d);
      const f =
        o.kind === "sub"
          ? () => subBalance(store, a, d, n)
          : o.kind === "send"
            ? () => send(store, a, b, d, n)
            : () => chargeFee(store, a, b, d, n);
      if (have < n) {
        expect(f).toThrow(/has .* needs/);
        return;
      }
      f();
      setBal(m, o.a, d, have - n);
      if (o.kind !== "sub") setBal(m, o.b ?? 0, d, bal(m, o.b ?? 0, d) + n);
      if (o.kind === "fee") bumpNonce(m, o.a);
      return;
    }
    case "nonce":
      incrementNonce(store, a);
      bumpNonce(m, o.a);
      return;
    case "child": {
      // a tx's messages: written in a child overlay, kept or dropped
      const c = store.child();
      addBalance(c, a, d, n);
      expect(getBalance(c, a, d)).toBe(bal(m, o.a, d) + n);
      expect(getAccount(store, a)).toEqual(modelAccount(m, o.a)); // the parent does not see it yet
      if (o.keep) {
        c.flushToParent();
        setBal(m, o.a, d, bal(m, o.a, d) + n);
      }
      return;
    }
  }
}

describe("bank accounts", () => {
  it("every read equals the stored bytes decoded afresh and the model, under any sequence of writes", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const base = new MemoryStore();
        const block = new Overlay(base);
        const m: Model = new Map();
        for (const o of ops) {
          apply(block, m, o as Op);
          for (let i = 0; i < addrs.length; i++) {
            const raw = block.get(accountKey(addrs[i]));
            const read = getAccount(block, addrs[i]);
            if (raw) expect(read).toEqual(Account.deserialize(raw));
            expect(read).toEqual(modelAccount(m, i));
          }
        }
        // and once committed below a fresh overlay (the next block reads the stored bytes)
        base.apply(block.changes());
        const next = new Overlay(base);
        for (let i = 0; i < addrs.length; i++) expect(getAccount(next, addrs[i])).toEqual(modelAccount(m, i));
      }),
      { numRuns: 300 },
    );
  });

  it("chargeFee leaves exactly the state of send then incrementNonce, byte for byte", () => {
    fc.assert(
      fc.property(fc.nat(3), fc.nat(3), fc.bigInt(0n, 2000n), fc.bigInt(0n, 1500n), (p, r, funds, fee) => {
        const base = new MemoryStore();
        const seed = new Overlay(base);
        addBalance(seed, addrs[p], "stra", funds);
        addBalance(seed, addrs[p], "ststra", 7n);
        incrementNonce(seed, addrs[p]);
        base.apply(seed.changes());
        const one = new Overlay(base);
        const two = new Overlay(base);
        const run = (f: () => void) => {
          try {
            f();
            return "ok";
          } catch (e) {
            return (e as Error).message;
          }
        };
        const a = run(() => chargeFee(one, addrs[p], addrs[r], "stra", fee));
        const b = run(() => {
          send(two, addrs[p], addrs[r], "stra", fee);
          incrementNonce(two, addrs[p]);
        });
        expect(a).toBe(b);
        const bytes = (o: Overlay) =>
          o
            .changes()
            .map((c) => [Buffer.from(c.key).toString("hex"), c.value && Buffer.from(c.value).toString("hex")])
            .sort();
        expect(bytes(one)).toEqual(bytes(two));
      }),
      { numRuns: 300 },
    );
  });

  it("an account read before a write keeps its value (reads are never aliased to later writes)", () => {
    const o = new Overlay(new MemoryStore());
    addBalance(o, addrs[0], "stra", 100n);
    const before = getAccount(o, addrs[0]);
    const snapshot = structuredClone(before);
    chargeFee(o, addrs[0], addrs[1], "stra", 40n);
    send(o, addrs[0], addrs[2], "stra", 10n);
    expect(before).toEqual(snapshot);
    expect(getAccount(o, addrs[0])).toEqual({
      nonce: 1n,
      balances: [{ denom: new TextEncoder().encode("stra"), amount: 50n }],
    });
  });
});
