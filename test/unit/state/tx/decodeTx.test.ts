// decodeTx: what it accepts re-encodes to exactly the bytes given, and the body bytes it hands
// to the signature check (a view into the tx, not a re-encoding) are exactly the body's encoding.
// Fuzzed by corrupting valid txs: every mutant is either refused with a typed error or decodes to
// a tx for which both still hold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SignedTx, TxBody } from "#state/encoding/types.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { decodeTx, txSignBytes, txSignBytesOf } from "#state/tx/decodeTx.ts";
import { verifySignature } from "#state/crypto/ed25519.ts";
import { send, testKey, tx } from "#test/fixtures/memChain.ts";

const alice = testKey(0);
const bob = testKey(1);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function expectConsistent(bytes: Uint8Array): void {
  const d = decodeTx(bytes);
  expect(hex(SignedTx.serialize({ body: d.body, signature: d.signature }))).toBe(hex(bytes));
  expect(hex(d.bodyBytes)).toBe(hex(TxBody.serialize(d.body)));
  expect(hex(txSignBytesOf(d))).toBe(hex(txSignBytes(d.body)));
}

describe("decodeTx", () => {
  it("a signed transfer decodes, its signed bytes are the body's, and the signature verifies", () => {
    const bytes = send(alice, bob.address, 5n, 3n);
    expectConsistent(bytes);
    const d = decodeTx(bytes);
    expect(d.body.nonce).toBe(3n);
    expect(verifySignature(d.body.signer, txSignBytesOf(d), d.signature)).toBe(true);
  });

  it("a tx with a memo and two messages keeps the same properties", () => {
    const m = { type: "bank/send", value: { to: bob.address, denom: "stra", amount: 1n } } as const;
    expectConsistent(tx(alice, [m, m], 0n));
  });

  it("refuses trailing bytes, truncation and an empty input with a typed error", () => {
    const bytes = send(alice, bob.address, 5n, 0n);
    for (const bad of [bytes.subarray(0, bytes.length - 1), bytes.subarray(0, 10), new Uint8Array(0)]) {
      expect(() => decodeTx(bad)).toThrow(StrataError);
    }
  });

  it("every corruption of a valid tx is refused with a typed error or decodes consistently", () => {
    const base = send(alice, bob.address, 7n, 1n);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -8, max: 8 }),
        (edits, grow) => {
          const b = new Uint8Array(Math.max(0, base.length + grow));
          b.set(base.subarray(0, b.length));
          for (const [i, v] of edits) if (i < b.length) b[i] = v;
          let decoded = true;
          try {
            decodeTx(b);
          } catch (e) {
            decoded = false;
            expect(e).toBeInstanceOf(StrataError);
            expect(Object.values(ErrorCode)).toContain((e as StrataError).code);
          }
          if (decoded) expectConsistent(b);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
