// A signature-verification worker: receives batches of (pubkey, message, signature), answers
// with one byte per item (1 = valid). Uses the same verifySignature as the main thread, so the
// rules (strict encodings, no small-order keys) are identical whichever thread checks.
import { parentPort } from "node:worker_threads";
import { verifySignature } from "../state/crypto/ed25519.ts";

export type VerifyBatch = { id: number; pks: Uint8Array[]; msgs: Uint8Array[]; sigs: Uint8Array[] };
export type VerifyResult = { id: number; ok: Uint8Array };

parentPort!.on("message", (b: VerifyBatch) => {
  const ok = new Uint8Array(b.pks.length);
  for (let i = 0; i < ok.length; i++) ok[i] = verifySignature(b.pks[i]!, b.msgs[i]!, b.sigs[i]!) ? 1 : 0;
  parentPort!.postMessage({ id: b.id, ok } satisfies VerifyResult);
});
