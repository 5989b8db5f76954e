// Signatures verified on worker threads follow exactly the rules of the main thread, and CheckTx
// through the pool accepts and rejects the same txs with the same errors, changing nothing on a
// rejection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VerifyPool } from "#node/verifyPool.ts";
import { Chain, DEFAULT_MEMPOOL } from "#node/chain.ts";
import { parseGenesis } from "#state/genesis.ts";
import { signMessage, verifySignature, publicKeyFromSeed } from "#state/crypto/ed25519.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { testGenesisJson, testKey, send } from "#test/fixtures/memChain.ts";

describe("verify pool", () => {
  let pool: VerifyPool;
  const dir = mkdtempSync(join(tmpdir(), "strata-vp-"));
  let chain: Chain;
  beforeAll(async () => {
    pool = VerifyPool.start(2)!;
    const g = testGenesisJson(3);
    chain = await Chain.open(dir, parseGenesis(g), new TextEncoder().encode(JSON.stringify(g)), {
      mempool: DEFAULT_MEMPOOL,
      verifier: pool,
    });
  });
  afterAll(async () => {
    await chain.close();
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("agrees with the main thread on valid, tampered, non-canonical and small-order inputs", async () => {
    const seed = new Uint8Array(32).fill(7);
    const pk = publicKeyFromSeed(seed);
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 300; i++) {
      const msg = new Uint8Array([i & 255, i >> 8, 1, 2, 3]);
      const sig = signMessage(seed, msg);
      cases.push([pk, msg, sig]);
      const bad = sig.slice();
      bad[i % 64] ^= 1 << (i % 8);
      cases.push([pk, msg, bad]);
    }
    const small = new Uint8Array(32); // the identity point: small order
    small[0] = 1;
    cases.push([small, new Uint8Array([1]), new Uint8Array(64)]);
    const sMax = signMessage(seed, new Uint8Array([9]));
    sMax.fill(0xff, 32); // S ≥ L
    cases.push([pk, new Uint8Array([9]), sMax]);
    const got = await Promise.all(cases.map(([a, m, s]) => pool.verify(a, m, s)));
    expect(got).toEqual(cases.map(([a, m, s]) => verifySignature(a, m, s)));
    expect(got.filter(Boolean).length).toBe(300);
  });

  it("checkTxAsync admits a valid tx and rejects a bad signature with BadSignature, mempool unchanged", async () => {
    const [a, b] = [testKey(0), testKey(1)];
    const ok = send(a, b.address, 1n, 0n);
    await chain.checkTxAsync(ok);
    expect(chain.mempool.size).toBe(1);
    const forged = send(b, a.address, 1n, 0n);
    forged[4] ^= 1; // first byte of the signature (after the body offset)
    const err = await chain.checkTxAsync(forged).catch((e) => e);
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe(ErrorCode.BadSignature);
    expect(chain.mempool.size).toBe(1);
  });
});
