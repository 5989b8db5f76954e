// A node's id as the RPC shows it (status.node_info.id and every net_info peer's node_info.id):
// CometBFT's ids are 20 bytes of hex; ours are the first 20 bytes of sha256 of the libp2p peer
// id, so the same node has the same id in its own status and in its peers' net_info.
import { sha256 } from "../state/crypto/hash.ts";

export function nodeIdOf(libp2pPeerId: string | undefined): string {
  if (!libp2pPeerId) return "0".repeat(40);
  return Buffer.from(sha256(new TextEncoder().encode(libp2pPeerId)).subarray(0, 20)).toString("hex");
}

/** `/ip4/1.2.3.4/tcp/26656[/p2p/…]` as CometBFT writes addresses: `tcp://1.2.3.4:26656`. */
export function tcpAddress(multiaddr: string): string {
  const m = /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d+)/.exec(multiaddr);
  return m ? `tcp://${m[1]}:${m[2]}` : multiaddr;
}

/** The IP of a multiaddr, or "" when it has none. */
export function ipOf(multiaddr: string): string {
  return /^\/(?:ip4|ip6)\/([^/]+)/.exec(multiaddr)?.[1] ?? "";
}
