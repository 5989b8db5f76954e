// bench:light — the light client's verification cost, in process (no RPC: a synthetic chain of
// real ed25519 signatures, test/fixtures/lightChain.ts). Prints one JSON object.
//   node bench/lightClient.ts [--blocks 1000] [--validators 4,100]
// Measures, per set size: headers/s verified sequentially (every header, > 2/3 of the set's
// signatures each), the time to skip 1 → N in one step with an unchanged set, the time when the
// whole set changes at N/2 (bisection), and the verifications of a store proof and a tx proof.
import { parseArgs } from "node:util";
import { LightClient } from "../client/light/lightClient.ts";
import { buildLightChain, LIGHT_CHAIN, serve, T0, type Member } from "../test/fixtures/lightChain.ts";
import { testKey } from "../test/fixtures/memChain.ts";
import { proveTx, verifyTxProof } from "../consensus/txProof.ts";
import { txsHashOf } from "../consensus/blockHashes.ts";
import { computeCommitment, MemoryCommitment } from "../state/store/commitment.ts";
import { proveKey, verifyKeyProof } from "../state/store/keyProof.ts";

const { values } = parseArgs({
  options: { blocks: { type: "string", default: "1000" }, validators: { type: "string", default: "4,100" } },
});
const N = Number(values.blocks);
const sizes = values.validators.split(",").map(Number);

const setOf = (base: number, n: number): Member[] =>
  Array.from({ length: n }, (_, i) => ({ key: testKey(base + i), power: 10 + (i % 7) }));

async function timeTo(
  chain: ReturnType<typeof buildLightChain>,
  mode: "sequential" | "skipping",
): Promise<{ ms: number; fetched: number }> {
  const p = serve(chain);
  const lc = await LightClient.create(
    p,
    { height: 1, hash: chain[0].hash, trustingPeriodMs: 30 * 86_400_000 },
    { chainId: LIGHT_CHAIN, mode, now: () => T0 + (N + 10) * 1000 },
  );
  const t0 = performance.now();
  await lc.verifyHeight(chain.length);
  return { ms: performance.now() - t0, fetched: p.fetched.length - 1 };
}

async function main() {
  const out: Record<string, unknown> = { blocks: N };
  for (const n of sizes) {
    const a = setOf(1000, n);
    const b = setOf(5000, n);
    const steady = buildLightChain(N, () => a);
    const changed = buildLightChain(N, (h) => (h <= N / 2 ? a : b));
    const seq = await timeTo(steady, "sequential");
    const skip = await timeTo(steady, "skipping");
    const bisect = await timeTo(changed, "skipping");
    out[`validators_${n}`] = {
      sequential_headers_per_s: Math.round((N - 1) / (seq.ms / 1000)),
      skipping_unchanged_ms: Math.round(skip.ms),
      skipping_whole_set_change_ms: Math.round(bisect.ms),
      skipping_whole_set_change_headers_fetched: bisect.fetched,
    };
  }
  // proofs: a state of 100,000 keys and a block of 5,000 txs
  const mem = new MemoryCommitment();
  const kv = Array.from({ length: 100_000 }, (_, i) => ({
    key: Uint8Array.of(1, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff),
    value: Uint8Array.of(i & 0xff, 1, 2, 3),
  }));
  const u = computeCommitment(mem, kv);
  mem.apply(u, kv);
  const proof = proveKey(mem, kv[777].key);
  let t0 = performance.now();
  for (let i = 0; i < 1000; i++) verifyKeyProof(u.root, kv[777].key, kv[777].value, proof);
  // an absent key between two present ones: the low leaf carries its key, value hash and next
  const gap = Uint8Array.of(1, 0, 3, 9, 0);
  const absence = proveKey(mem, gap);
  const t1 = performance.now();
  for (let i = 0; i < 1000; i++) verifyKeyProof(u.root, gap, null, absence);
  out.store_proof = {
    verifies_per_s: Math.round(1000 / ((t1 - t0) / 1000)),
    bytes: 32 * proof.siblings.length + 16 + kv[778].key.length,
    absence_verifies_per_s: Math.round(1000 / ((performance.now() - t1) / 1000)),
    absence_bytes: 32 * absence.siblings.length + 16 + 2 * kv[777].key.length + 32,
  };
  const txs = Array.from({ length: 5000 }, (_, i) => Uint8Array.from({ length: 200 }, (_, j) => (i + j) & 0xff));
  const root = txsHashOf(txs);
  t0 = performance.now();
  const tp = proveTx(txs, 4321);
  const proveMs = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < 1000; i++) verifyTxProof(root, txs[4321], tp);
  out.tx_proof = {
    prove_ms_5000_txs: Math.round(proveMs * 10) / 10,
    verifies_per_s: Math.round(1000 / ((performance.now() - t0) / 1000)),
    bytes: 32 * tp.aunts.length + 32 + 16,
  };
  console.log(JSON.stringify(out, null, 2));
}

await main();
