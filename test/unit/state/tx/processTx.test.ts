// Every envelope rule and every bank rule: the tx is rejected with its specific code, and nothing
// changes (or, once the envelope is valid, only fee and nonce change).
import { describe, expect, it } from "vitest";
import { MemChain, send, testKey, CHAIN_ID, MIN_GAS_PRICE } from "#test/fixtures/memChain.ts";
import { ErrorCode } from "#state/errors.ts";
import { getBalance, getSupply } from "#state/modules/bank/keeper.ts";
import { FEE_COLLECTOR } from "#state/moduleAccounts.ts";
import { SignedTx } from "#state/encoding/types.ts";
import { signTx } from "#client/tx.ts";
import { ONE } from "#state/denoms.ts";

const [alice, bob] = [testKey(0), testKey(1)];
const FEE = 100_000n * MIN_GAS_PRICE;

/**
 * A rejected tx leaves the state exactly as an empty block would (every block mints rewards and
 * records its time, so "unchanged" means: equal to a twin chain that ran the same history and
 * then an empty block).
 */
function expectSameAsEmptyBlock(
  build: (c: MemChain) => Uint8Array,
  check: (r: ReturnType<MemChain["block"]>[number]) => void,
) {
  const c = new MemChain();
  const twin = new MemChain();
  const tx = build(c);
  build(twin);
  const [r] = c.block([tx]);
  twin.block([]);
  check(r);
  expect(Buffer.from(c.root).toString("hex")).toBe(Buffer.from(twin.root).toString("hex"));
}

describe("processTx: envelope rules", () => {
  it("a valid transfer moves funds, takes the fee into the fee collector, bumps the nonce", () => {
    const c = new MemChain();
    const a0 = getBalance(c.store, alice.address, "stra");
    const b0 = getBalance(c.store, bob.address, "stra");
    const [r] = c.block([send(alice, bob.address, 5n * ONE, 0n)]);
    expect(r.code).toBe(0);
    expect(getBalance(c.store, alice.address, "stra")).toBe(a0 - 5n * ONE - FEE);
    expect(getBalance(c.store, bob.address, "stra")).toBe(b0 + 5n * ONE);
    // the fee sits in the fee collector until the next block's distribution takes it
    expect(getBalance(c.store, FEE_COLLECTOR, "stra")).toBe(FEE);
    expect(c.nonce(alice)).toBe(1n);
  });

  const rejected: [string, (c: MemChain) => Uint8Array, number][] = [
    ["malformed bytes", () => Uint8Array.of(1, 2, 3), ErrorCode.TxMalformed],
    ["oversized tx", () => new Uint8Array(70_000), ErrorCode.TxTooLarge],
    ["wrong chain id", () => send(alice, bob.address, 1n, 0n, { chainId: "other-chain" }), ErrorCode.WrongChainId],
    [
      "replayed nonce",
      (c) => (c.block([send(alice, bob.address, 1n, 0n)]), send(alice, bob.address, 1n, 0n)),
      ErrorCode.NonceTooLow,
    ],
    ["future nonce", () => send(alice, bob.address, 1n, 5n), ErrorCode.NonceTooHigh],
    [
      "fee below gas × min gas price",
      () => send(alice, bob.address, 1n, 0n, { fee: 1000n }),
      ErrorCode.InsufficientFee,
    ],
    ["fee above balance", () => send(testKey(99), bob.address, 1n, 0n), ErrorCode.InsufficientFunds],
    ["zero amount", () => send(alice, bob.address, 0n, 0n), ErrorCode.InvalidAmount],
    ["unknown denom", () => send(alice, bob.address, 1n, 0n, { denom: "atom" }), ErrorCode.UnknownDenom],
    [
      "bad signature",
      () => {
        const t = SignedTx.deserialize(send(alice, bob.address, 1n, 0n));
        t.signature[0] ^= 1;
        return SignedTx.serialize(t);
      },
      ErrorCode.BadSignature,
    ],
    [
      "signature by another key",
      () => {
        const t = SignedTx.deserialize(send(alice, bob.address, 1n, 0n));
        t.body.signer = bob.pubkey;
        return SignedTx.serialize(t);
      },
      ErrorCode.BadSignature,
    ],
    // a trailing byte decodes as part of the memo, so the bytes are no longer what was signed
    ["trailing garbage", () => Uint8Array.from([...send(alice, bob.address, 1n, 0n), 0]), ErrorCode.BadSignature],
    [
      "an offset that points outside the tx",
      () => {
        const b = send(alice, bob.address, 1n, 0n);
        new DataView(b.buffer, b.byteOffset).setUint32(0, b.length + 10, true);
        return b;
      },
      ErrorCode.TxMalformed,
    ],
    [
      "no messages",
      () => signTx(alice.seed, { chainId: CHAIN_ID, nonce: 0n, fee: FEE, msgs: [] }).bytes,
      ErrorCode.NoMessages,
    ],
  ];

  for (const [name, build, code] of rejected) {
    it(`rejects ${name} with code ${code} and changes nothing`, () => {
      expectSameAsEmptyBlock(build, (r) => {
        expect(r.code).toBe(code);
        expect(r.charged).toBe(false);
      });
    });
  }

  it("the client refuses amounts >= 2^128 (SSZ would truncate them) and the wire type cannot carry them", () => {
    expect(() => send(alice, bob.address, 1n << 128n, 0n)).toThrow(RangeError);
    const c = new MemChain();
    const [r] = c.block([send(alice, bob.address, (1n << 128n) - 1n, 0n)]);
    expect(r.code).toBe(ErrorCode.InsufficientFunds);
  });
});

describe("processTx: message failure charges only fee and nonce", () => {
  it("insufficient funds for the transfer: fee and nonce taken, balances otherwise unchanged, atomic across messages", () => {
    const c = new MemChain();
    const a0 = getBalance(c.store, alice.address, "stra");
    const b0 = getBalance(c.store, bob.address, "stra");
    const tx = signTx(alice.seed, {
      chainId: CHAIN_ID,
      nonce: 0n,
      fee: FEE,
      msgs: [
        { type: "bank/send", value: { to: bob.address, denom: "stra", amount: 1n } },
        { type: "bank/send", value: { to: bob.address, denom: "stra", amount: a0 } },
      ],
    }).bytes;
    const [r] = c.block([tx]);
    expect(r.code).toBe(ErrorCode.InsufficientFunds);
    expect(r.charged).toBe(true);
    expect(getBalance(c.store, alice.address, "stra")).toBe(a0 - FEE);
    expect(getBalance(c.store, bob.address, "stra")).toBe(b0);
    expect(c.nonce(alice)).toBe(1n);
  });

  it("sending a denom the sender does not hold fails with InsufficientFunds", () => {
    const c = new MemChain();
    const [r] = c.block([send(alice, bob.address, 1n, 0n, { denom: "ststra" })]);
    expect(r.code).toBe(ErrorCode.InsufficientFunds);
    expect(getSupply(c.store, "ststra")).toBe(0n);
  });

  it("skipping signature verification (verified once in the mempool) gives the same state", () => {
    const a = new MemChain();
    const b = new MemChain();
    const txs = [send(alice, bob.address, 3n, 0n), send(bob, alice.address, 2n, 0n), send(alice, bob.address, 1n, 1n)];
    a.block(txs, true);
    b.block(txs, false);
    expect(a.root).toEqual(b.root);
  });
});
