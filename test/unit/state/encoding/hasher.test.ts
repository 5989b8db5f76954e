// The SSZ hasher is swapped for speed (state/encoding/hasher.ts); every root must be the one
// noble's reference SHA-256 gives, for tx lists, headers, commits and validator sets of any size.
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { setHasher } from "@chainsafe/persistent-merkle-tree";
import { hasher as noble } from "@chainsafe/persistent-merkle-tree/hasher/noble";
import { hasher as hashtree } from "@chainsafe/persistent-merkle-tree/hasher/hashtree";
import { hasher as asSha256 } from "@chainsafe/persistent-merkle-tree/hasher/as-sha256";
import { SSZ_HASHER } from "#state/encoding/hasher.ts";
import { txsHashOf, blockIdOf } from "#consensus/blockHashes.ts";

const fast = SSZ_HASHER === "hashtree" ? hashtree : SSZ_HASHER === "as-sha256" ? asSha256 : noble;
function both<T>(f: () => T): [T, T] {
  setHasher(noble);
  const ref = f();
  setHasher(fast);
  return [ref, f()];
}

describe("SSZ hasher", () => {
  afterAll(() => setHasher(fast));

  it("uses a fast implementation on this platform", () => {
    expect(SSZ_HASHER).not.toBe("noble");
  });

  it("tx list roots equal noble's for any list of txs", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 700 }), { maxLength: 300 }), (txs) => {
        const [ref, got] = both(() => Buffer.from(txsHashOf(txs)).toString("hex"));
        expect(got).toBe(ref);
      }),
      { numRuns: 60 },
    );
  });

  it("header roots (block ids) equal noble's", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        (height, time, h32, addr) => {
          const header = {
            chainId: new TextEncoder().encode("c"),
            height,
            time,
            lastBlockId: h32,
            lastCommitHash: h32,
            txsHash: h32,
            stateRoot: h32,
            validatorsHash: h32,
            nextValidatorsHash: h32,
            evidenceHash: h32,
            proposer: addr,
          };
          const [ref, got] = both(() => Buffer.from(blockIdOf(header)).toString("hex"));
          expect(got).toBe(ref);
        },
      ),
      { numRuns: 100 },
    );
  });
});
