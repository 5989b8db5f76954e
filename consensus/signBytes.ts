import { sha256 } from "../state/crypto/hash.ts";

/**
 * What a validator signs: sha256(domain ‖ len(chainId) ‖ chainId ‖ SSZ body). The domain keeps a
 * vote from ever being valid as a proposal (or a tx), the chain id keeps it on one chain.
 */
export function domainSignBytes(domain: Uint8Array, chainId: string, body: Uint8Array): Uint8Array {
  const cid = new TextEncoder().encode(chainId);
  const out = new Uint8Array(domain.length + 1 + cid.length + body.length);
  out.set(domain, 0);
  out[domain.length] = cid.length;
  out.set(cid, domain.length + 1);
  out.set(body, domain.length + 1 + cid.length);
  return sha256(out);
}
