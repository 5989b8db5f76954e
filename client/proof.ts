// Verifies an abci_query "/store" proof against a block's app hash (our state root), so a client
// can trust a value served by a node it does not trust.
import { verifyProof } from "../state/store/commitment.ts";

type ProofOps = { ops: { type: string; key: string; data: string }[] } | null;

export function verifyStoreProof(appHashHex: string, keyB64: string, valueB64: string, proofOps: ProofOps): boolean {
  const op = proofOps?.ops?.find((o) => o.type === "strata/smt/v1");
  if (!op || op.key !== keyB64) return false;
  const j = JSON.parse(Buffer.from(op.data, "base64").toString()) as {
    index: number;
    leafCount: number;
    siblings: string[];
  };
  return verifyProof(
    new Uint8Array(Buffer.from(appHashHex, "hex")),
    new Uint8Array(Buffer.from(keyB64, "base64")),
    new Uint8Array(Buffer.from(valueB64, "base64")),
    {
      index: j.index,
      leafCount: j.leafCount,
      siblings: j.siblings.map((s) => new Uint8Array(Buffer.from(s, "base64"))),
    },
  );
}
