// Sign, broadcast and wait for a tx against a test node, tracking nonces per signer so a test can
// send several in a row; asserts acceptance and success.
import { expect } from "vitest";
import { signTx, type AnyMsg } from "#client/tx.ts";
import type { StrataClient } from "#client/rpcClient.ts";

export const TEST_FEE = 400_000n * 1_000_000_000n;

export function submitter(client: () => StrataClient, chainId = "strata-devnet") {
  const nonces = new Map<string, bigint>();
  return async function submit(key: { seed: Uint8Array; address: string }, msgs: AnyMsg[]) {
    const c = client();
    const n = nonces.get(key.address) ?? BigInt((await c.balances(key.address)).nonce);
    const t = signTx(key.seed, { chainId, nonce: n, fee: TEST_FEE, msgs });
    nonces.set(key.address, n + 1n);
    const b = await c.broadcastTxSync(t.bytes);
    expect(b.code, b.log).toBe(0);
    const r = await c.waitForTx(t.hash, 30_000);
    expect(r.tx_result.code, r.tx_result.log).toBe(0);
    return r;
  };
}
