// Admission control refuses new work once the pending txs fill the next few blocks, with a stable
// code and a retry hint that grows with the backlog; and no one source (the node's RPC clients, one
// gossip peer) nor one sender can take the whole budget: a flooder leaves room for the others.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdmissionRefused, blockCapacityGas, checkAdmission, FROM_CLIENT, type TxOrigin } from "#node/admission.ts";
import { Chain, DEFAULT_MEMPOOL } from "#node/chain.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { parseGenesis } from "#state/genesis.ts";
import { decodeTx } from "#state/tx/decodeTx.ts";
import { send, testGenesisJson, testKey } from "#test/fixtures/memChain.ts";

const limits = (blockIntervalMs = 1000) => ({ blockGas: 100n, maxPendingBlocks: 4, blockIntervalMs });
const none = (total: bigint) => ({ total, origin: 0n, sender: 0n });
const refusal = (f: () => void): AdmissionRefused | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof AdmissionRefused) return e;
    throw e;
  }
  return undefined;
};

describe("admission control", () => {
  it("admits up to maxPendingBlocks blocks of gas, then refuses with MempoolFull and when to retry", () => {
    expect(refusal(() => checkAdmission(none(399n), 1n, FROM_CLIENT, limits()))).toBeUndefined();
    const e = refusal(() => checkAdmission(none(400n), 1n, FROM_CLIENT, limits()));
    expect(e).toBeInstanceOf(AdmissionRefused);
    expect(e!.code).toBe(ErrorCode.MempoolFull);
    expect(e!.retryAfterMs).toBe(1000);
    expect(e!.message).toMatch(/4 blocks' worth of pending txs \(limit 4\).*retry in ~1000 ms/);
    // a deeper backlog, a longer wait; never below a quarter second
    expect(refusal(() => checkAdmission(none(1000n), 50n, FROM_CLIENT, limits(800)))!.retryAfterMs).toBe(7 * 800);
    expect(refusal(() => checkAdmission(none(400n), 1n, FROM_CLIENT, limits(10)))!.retryAfterMs).toBe(250);
    expect(
      refusal(() => checkAdmission(none(10n ** 30n), 1n, FROM_CLIENT, { ...limits(), maxPendingBlocks: 0 })),
    ).toBeUndefined(); // 0: off
  });

  it("a refusal is built without a stack (thousands a second under a flood) and leaves the stack limit as it was", () => {
    const before = Error.stackTraceLimit;
    const e = refusal(() => checkAdmission(none(400n), 1n, FROM_CLIENT, limits()))!;
    expect(Error.stackTraceLimit).toBe(before);
    expect(e.stack).not.toMatch(/\n\s+at /);
    expect(e.toString()).toMatch(/^MempoolFull\(\d+\): /);
    expect(new Error("x").stack).toMatch(/\n\s+at /);
  });

  it("takes a peer's txs up to twice the budget, one source up to 3/4 of it, one sender up to 1/4", () => {
    const peer: TxOrigin = { kind: "peer", peer: "P" };
    expect(refusal(() => checkAdmission(none(799n), 1n, peer, limits()))).toBeUndefined();
    expect(refusal(() => checkAdmission(none(800n), 1n, peer, limits()))).toBeDefined();
    expect(
      refusal(() => checkAdmission({ total: 300n, origin: 299n, sender: 0n }, 1n, peer, limits())),
    ).toBeUndefined();
    expect(
      refusal(() => checkAdmission({ total: 300n, origin: 300n, sender: 0n }, 1n, peer, limits()))!.message,
    ).toMatch(/from this peer/);
    expect(
      refusal(() => checkAdmission({ total: 300n, origin: 300n, sender: 0n }, 1n, FROM_CLIENT, limits()))!.message,
    ).toMatch(/from its RPC clients/);
    expect(
      refusal(() => checkAdmission({ total: 100n, origin: 100n, sender: 99n }, 1n, FROM_CLIENT, limits())),
    ).toBeUndefined();
    expect(
      refusal(() => checkAdmission({ total: 100n, origin: 100n, sender: 100n }, 1n, FROM_CLIENT, limits()))!.message,
    ).toMatch(/from this sender/);
  });

  it("under load takes no client tx that cannot execute yet, and never refuses the nonce a sender's pending txs wait on", () => {
    // more than a block pending: a gapped tx from a client is refused, with a block interval's hint
    const e = refusal(() => checkAdmission(none(100n), 1n, FROM_CLIENT, limits(700), "gapped"));
    expect(e!.code).toBe(ErrorCode.MempoolFull);
    expect(e!.retryAfterMs).toBe(700);
    expect(e!.message).toMatch(/earlier nonce is not pending/);
    // not under load, or relayed by a peer (the network took it; gossip may reorder): as before
    expect(refusal(() => checkAdmission(none(99n), 1n, FROM_CLIENT, limits(), "gapped"))).toBeUndefined();
    expect(
      refusal(() => checkAdmission(none(100n), 1n, { kind: "peer", peer: "P" }, limits(), "gapped")),
    ).toBeUndefined();
    // the missing nonce passes even a full budget and a full share
    expect(
      refusal(() =>
        checkAdmission({ total: 10_000n, origin: 10_000n, sender: 10_000n }, 1n, FROM_CLIENT, limits(), "fills-gap"),
      ),
    ).toBeUndefined();
  });

  it("on a real chain: txs held up by a missing nonce do not lock that nonce out of a full mempool", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-admission-gap-"));
    const keys = Array.from({ length: 400 }, (_, i) => testKey(i));
    const g = testGenesisJson(400, undefined, { block: { maxGas: "10000000" } });
    const chain = await Chain.open(dir, parseGenesis(g), new TextEncoder().encode(JSON.stringify(g)), {
      mempool: { ...DEFAULT_MEMPOOL, maxPendingBlocks: 1 },
    });
    const submit = (bytes: Uint8Array) =>
      chain.checkTxAsync(bytes, FROM_CLIENT).then(
        () => 0,
        (e: unknown) => (e instanceof StrataError ? e.code : -1),
      );
    const to = keys[0]!.address;
    try {
      // idle: account 1's nonces 2 and 3 arrive before 0 and 1 (taken: nothing is under load)
      for (const n of [2n, 3n]) expect(await submit(send(keys[1]!, to, 1n, n))).toBe(0);
      // a flood from other accounts fills the clients' share of the budget
      let k = 2;
      while ((await submit(send(keys[k++]!, to, 1n, 0n))) === 0);
      // under load a new gapped tx is refused ...
      expect(await submit(send(keys[k++]!, to, 1n, 1n))).toBe(ErrorCode.MempoolFull);
      // ... but account 1's nonces 0 and 1, which its pending txs wait on, are taken
      expect(await submit(send(keys[1]!, to, 1n, 0n))).toBe(0);
      expect(await submit(send(keys[1]!, to, 1n, 1n))).toBe(0);
      expect(
        chain.mempool.reap(10_000, 1 << 30).filter((t) => t.sender === Buffer.from(keys[1]!.address).toString("hex"))
          .length,
      ).toBe(4);
    } finally {
      await chain.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts a block as what it really carries: maxGas, or less when its tx count or bytes bind first", () => {
    const b = { maxGas: 100_000_000n, maxTxs: 20_000, maxBytes: 8 * 1024 * 1024 };
    const tx = { gas: 32_000n, bytes: 200 };
    // ~3,100 transfers: gas binds
    expect(blockCapacityGas(b, { gas: 0n, txs: 0, bytes: 0 }, tx)).toBe(100_000_000n);
    // 100 txs a block: 100 txs' gas, from the pending txs' average
    expect(blockCapacityGas({ ...b, maxTxs: 100 }, { gas: 32_000n * 9n, txs: 9, bytes: 1800 }, tx)).toBe(3_200_000n);
    // 1 kB a block of 200-byte txs: 5 txs' gas
    expect(blockCapacityGas({ ...b, maxBytes: 1000 }, { gas: 0n, txs: 0, bytes: 0 }, tx)).toBe(160_000n);
    // 0: no such limit
    expect(blockCapacityGas({ ...b, maxTxs: 0, maxBytes: 0 }, { gas: 0n, txs: 0, bytes: 0 }, tx)).toBe(100_000_000n);
  });

  it("on a real chain whose blocks hold 20 txs, new work stops at maxPendingBlocks blocks of 20 txs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-admission-txs-"));
    const keys = Array.from({ length: 100 }, (_, i) => testKey(i));
    const g = testGenesisJson(100, undefined, { block: { maxTxs: 20 } });
    const chain = await Chain.open(dir, parseGenesis(g), new TextEncoder().encode(JSON.stringify(g)), {
      mempool: { ...DEFAULT_MEMPOOL, maxPendingBlocks: 2 },
    });
    try {
      const codes: number[] = [];
      for (const k of keys.slice(1, 61)) {
        codes.push(
          await chain.checkTxAsync(send(k, keys[0]!.address, 1n, 0n), FROM_CLIENT).then(
            () => 0,
            (e: unknown) => (e instanceof StrataError ? e.code : -1),
          ),
        );
      }
      // the clients' share: 3/4 of 2 blocks of 20 txs (by gas, 100 M each, it would be ~4,600)
      expect(codes.filter((c) => c === 0).length).toBe(30);
      expect(codes.slice(30)).toEqual(Array(30).fill(ErrorCode.MempoolFull));
      // and the next block is expected to carry one block of them (consensus timeouts use it)
      expect(chain.expectedBlockTxs()).toBe(20);
    } finally {
      await chain.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("on a node (real chain and mempool)", () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-admission-"));
    let chain: Chain;
    const keys = Array.from({ length: 400 }, (_, i) => testKey(i));
    const to = keys[0]!.address;
    const gas = decodeTx(send(keys[0]!, to, 1n, 0n)).gas;
    // the smallest block the params allow (10 M gas) and one block of new work: in transfers,
    const budget = Number(10_000_000n / gas); // ~300: new work from clients stops here
    const sourceCap = Number((10_000_000n * 3n) / 4n / gas); // one source (a peer, or the RPC clients)
    const senderCap = Number(10_000_000n / 4n / gas); // one sender
    beforeAll(async () => {
      const g = testGenesisJson(400, undefined, { block: { maxGas: "10000000" } });
      chain = await Chain.open(dir, parseGenesis(g), new TextEncoder().encode(JSON.stringify(g)), {
        mempool: { ...DEFAULT_MEMPOOL, maxPendingBlocks: 1 },
      });
    });
    afterAll(async () => {
      await chain?.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const submit = (bytes: Uint8Array, origin: TxOrigin) =>
      chain.checkTxAsync(bytes, origin).then(
        () => 0,
        (e: unknown) => (e instanceof StrataError ? e.code : -1),
      );
    let k = 1; // next unused account

    it("a flooding peer fills its share and is refused; another peer and the node's clients still get in", async () => {
      const flooder: TxOrigin = { kind: "peer", peer: "P" };
      const codes: number[] = [];
      for (let i = 0; i < sourceCap + 5; i++) codes.push(await submit(send(keys[k++]!, to, 1n, 0n), flooder));
      expect(codes.filter((c) => c === 0).length).toBe(sourceCap);
      expect(codes.slice(sourceCap)).toEqual(Array(5).fill(ErrorCode.MempoolFull));
      // another peer, and a client of this node, are not crowded out
      expect(await submit(send(keys[k++]!, to, 1n, 0n), { kind: "peer", peer: "Q" })).toBe(0);
      expect(await submit(send(keys[k++]!, to, 1n, 0n), FROM_CLIENT)).toBe(0);
      // new work from clients still stops at the budget
      while (chain.mempool.size < budget) expect(await submit(send(keys[k++]!, to, 1n, 0n), FROM_CLIENT)).toBe(0);
      expect(await submit(send(keys[k++]!, to, 1n, 0n), FROM_CLIENT)).toBe(ErrorCode.MempoolFull);
    });

    it("a flooding sender is refused past its share while other senders still get in", async () => {
      const q: TxOrigin = { kind: "peer", peer: "Q" };
      const flooder = keys[k++]!;
      const codes: number[] = [];
      for (let n = 0; n < senderCap + 3; n++) codes.push(await submit(send(flooder, to, 1n, BigInt(n)), q));
      expect(codes.filter((c) => c === 0).length).toBe(senderCap);
      expect(codes.slice(senderCap)).toEqual(Array(3).fill(ErrorCode.MempoolFull));
      expect(await submit(send(keys[k++]!, to, 1n, 0n), q)).toBe(0);
    });
  });
});
