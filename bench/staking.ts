// bench:exec, staking part — delegate / undelegate / withdraw mixes over many delegators, and
// the per-block cost of begin/end block (reward allocation, liveness, the active set) as the
// number of delegators grows: with F1 it must not grow. Prints JSON.
//   node bench/staking.ts [--delegators 10000] [--txs 3000]
import { parseArgs } from "node:util";
import { MemChain, testGenesisJson, testKey, tx } from "../test/fixtures/memChain.ts";
import { decodeTx } from "../state/tx/decodeTx.ts";
import { ONE } from "../state/denoms.ts";
import type { AnyMsg } from "../client/tx.ts";

const { values } = parseArgs({
  options: { delegators: { type: "string", default: "10000" }, txs: { type: "string", default: "3000" } },
});
const D = Number(values.delegators);
const TXS = Number(values.txs);
const v0 = testKey(10_000);

function chainWith(delegators: number) {
  const c = new MemChain(testGenesisJson(delegators, 1000n * ONE));
  // everyone delegates, in blocks of 5000 txs
  const all = Array.from({ length: delegators }, (_, i) =>
    tx(testKey(i), [{ type: "staking/delegate", value: { validator: v0.address, amount: 10n * ONE } }], 0n),
  );
  for (let i = 0; i < all.length; i += 5000) c.block(all.slice(i, i + 5000), false);
  return c;
}

function emptyBlockMs(c: MemChain, n = 50): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) c.block([], false);
  return (performance.now() - t) / n;
}

const small = chainWith(Math.max(100, Math.floor(D / 10)));
const large = chainWith(D);
const emptySmall = emptyBlockMs(small);
const emptyLarge = emptyBlockMs(large);

// a mixed block: delegate / undelegate / withdraw from the large population (nonce 1)
const kinds = ["delegate", "undelegate", "withdraw"] as const;
const mix = Array.from({ length: TXS }, (_, i) => {
  const k = kinds[i % 3];
  const m: AnyMsg =
    k === "withdraw"
      ? { type: "distribution/withdraw_rewards", value: { validator: v0.address } }
      : { type: `staking/${k}` as "staking/delegate", value: { validator: v0.address, amount: ONE } };
  return tx(testKey(i % D), [m], 1n);
});
const decoded = mix.map((b) => decodeTx(b));
const t0 = performance.now();
const results = large.block(decoded as never, false);
const mixMs = performance.now() - t0;

console.log(
  JSON.stringify(
    {
      bench: "exec-staking",
      delegatorsSmall: Math.max(100, Math.floor(D / 10)),
      delegatorsLarge: D,
      beginEndBlockMsWithSmall: +emptySmall.toFixed(3),
      beginEndBlockMsWithLarge: +emptyLarge.toFixed(3),
      blockCostRatioLargeVsSmall: +(emptyLarge / emptySmall).toFixed(2),
      mixedTxs: TXS,
      mixedFailed: results.filter((r) => r.code !== 0).length,
      mixedTxsPerSec: Math.round(TXS / (mixMs / 1000)),
    },
    null,
    2,
  ),
);
