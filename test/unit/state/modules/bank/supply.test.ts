// Property: whatever sequence of transfers (valid or not) runs, total supply is conserved: the
// sum of all balances, including the fee collector, equals the genesis supply.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemChain, send, testKey, testGenesisJson } from "#test/fixtures/memChain.ts";
import { getBalance, getSupply } from "#state/modules/bank/keeper.ts";
import { FEE_COLLECTOR } from "#state/moduleAccounts.ts";
import { BONDED_POOL, NOT_BONDED_POOL } from "#state/modules/staking/keeper.ts";
import { COMMUNITY_POOL, DISTRIBUTION } from "#state/modules/distribution/keeper.ts";
import { ONE } from "#state/denoms.ts";

const N = 5;
const keys = Array.from({ length: N }, (_, i) => testKey(i));

describe("bank: total supply is conserved", () => {
  it("across random transfer sequences, including failing ones", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.record({
              from: fc.nat(N - 1),
              to: fc.nat(N - 1),
              amount: fc.bigInt({ min: 1n, max: 3n * ONE }),
              skipNonce: fc.boolean(),
            }),
            { maxLength: 8 },
          ),
          { minLength: 1, maxLength: 5 },
        ),
        (blocks) => {
          const c = new MemChain(testGenesisJson(N, 2n * ONE));
          const genesisSupply = getSupply(c.store, "stra");
          const nonces = new Map<number, bigint>();
          for (const b of blocks) {
            const txs = b.map((t) => {
              const n = nonces.get(t.from) ?? 0n;
              if (!t.skipNonce) nonces.set(t.from, n + 1n);
              return send(keys[t.from], keys[t.to].address, t.amount, t.skipNonce ? n + 7n : n);
            });
            const results = c.block(txs, false);
            // resync nonces with what actually happened
            for (let i = 0; i < N; i++) nonces.set(i, c.nonce(keys[i]));
            void results;
          }
          let sum = 0n;
          for (const a of [
            FEE_COLLECTOR,
            BONDED_POOL,
            NOT_BONDED_POOL,
            DISTRIBUTION,
            COMMUNITY_POOL,
            testKey(10_000).address,
            ...keys.map((k) => k.address),
          ])
            sum += getBalance(c.store, a, "stra");
          // supply = genesis + inflation minted by blocks, and every unit of it is in some balance
          expect(sum).toBe(getSupply(c.store, "stra"));
          expect(getSupply(c.store, "stra")).toBeGreaterThanOrEqual(genesisSupply);
        },
      ),
      { numRuns: 50 },
    );
  });
});
