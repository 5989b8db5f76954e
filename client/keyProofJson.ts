// The JSON of an abci_query "/store" proof op of type "strata/imt/v1" (docs/rpc.md): a
// membership or absence proof of state/store/keyProof.ts, bytes in base64. The node encodes it;
// clients decode it strictly (anything not exactly this shape is no proof) before verifying.
import type { KeyProof } from "../state/store/keyProof.ts";

export const KEY_PROOF_OP = "strata/imt/v1";

const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const b64OrNull = (b: Uint8Array | null): string | null => (b === null ? null : b64(b));

export function encodeKeyProof(p: KeyProof): Record<string, unknown> {
  const common = { index: p.index, leafCount: p.leafCount, next: b64OrNull(p.next), siblings: p.siblings.map(b64) };
  if (p.kind === "member") return { kind: "member", ...common };
  return { kind: "absent", ...common, leafKey: b64(p.leafKey), leafValueHash: b64OrNull(p.leafValueHash) };
}

/** Canonical base64 only: a string that does not round-trip is refused, not half-read. */
function bytes(s: unknown): Uint8Array | undefined {
  if (typeof s !== "string") return undefined;
  const b = Buffer.from(s, "base64");
  return b.toString("base64") === s ? new Uint8Array(b) : undefined;
}

function bytesOrNull(s: unknown): Uint8Array | null | undefined {
  return s === null ? null : bytes(s);
}

export function decodeKeyProof(j: unknown): KeyProof | undefined {
  if (typeof j !== "object" || j === null) return undefined;
  const o = j as Record<string, unknown>;
  if (typeof o.index !== "number" || typeof o.leafCount !== "number" || !Array.isArray(o.siblings)) return undefined;
  const siblings = o.siblings.map(bytes);
  if (siblings.some((s) => s === undefined)) return undefined;
  const next = bytesOrNull(o.next);
  if (next === undefined) return undefined;
  const path = { index: o.index, leafCount: o.leafCount, siblings: siblings as Uint8Array[], next };
  if (o.kind === "member") return { kind: "member", ...path };
  if (o.kind !== "absent") return undefined;
  const leafKey = bytes(o.leafKey);
  const leafValueHash = bytesOrNull(o.leafValueHash);
  if (leafKey === undefined || leafValueHash === undefined) return undefined;
  return { kind: "absent", ...path, leafKey, leafValueHash };
}
