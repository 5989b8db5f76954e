// Verifies an abci_query "/store" answer and its proof against a block's app hash (our state
// root), so a client can trust what a node it does not trust says about a key: the value it
// holds, or that it holds none. The proof's kind decides which claim is checked; either way the
// claim must match the answer (an absence proof with a value, or a value without one, fails).
import { verifyKeyProof } from "../state/store/keyProof.ts";
import { decodeKeyProof, KEY_PROOF_OP } from "./keyProofJson.ts";

type ProofOps = { ops: { type: string; key: string; data: string }[] } | null;

/** The proven value (null = proven absent), or undefined when the answer does not verify. */
export function verifyStoreProof(
  appHashHex: string,
  keyB64: string,
  valueB64: string,
  proofOps: ProofOps,
): { value: Uint8Array | null } | undefined {
  const op = proofOps?.ops?.find((o) => o.type === KEY_PROOF_OP);
  if (!op || op.key !== keyB64) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(op.data, "base64").toString());
  } catch {
    return undefined;
  }
  const proof = decodeKeyProof(json);
  if (!proof) return undefined;
  // the answer's value: an empty string is no value when absence is proven (a present key may
  // hold the empty value, which a membership proof then shows)
  if (proof.kind === "absent" && valueB64 !== "") return undefined;
  const value = proof.kind === "member" ? new Uint8Array(Buffer.from(valueB64, "base64")) : null;
  const ok = verifyKeyProof(
    new Uint8Array(Buffer.from(appHashHex, "hex")),
    new Uint8Array(Buffer.from(keyB64, "base64")),
    value,
    proof,
  );
  return ok ? { value } : undefined;
}
