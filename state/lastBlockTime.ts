// The last committed block's time (unix ms, from its header): the only clock the state machine
// has. Begin block measures inflation from it, end block records the block's own, and queries
// take it as "now" (is a request claimable yet?).
import { Uint64Num } from "./encoding/types.ts";
import { ChainKey } from "./keys.ts";
import type { Overlay } from "./store/overlay.ts";
import type { KVReader } from "./store/types.ts";

export function getLastBlockTime(s: KVReader): number | undefined {
  const b = s.get(ChainKey.lastBlockTime);
  return b ? Uint64Num.deserialize(b) : undefined;
}

export function setLastBlockTime(s: Overlay, time: number): void {
  s.set(ChainKey.lastBlockTime, Uint64Num.serialize(time));
}
