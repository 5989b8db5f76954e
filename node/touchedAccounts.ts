// Which accounts a block wrote, from its state changes: the mempool re-checks after a block only
// the senders among them (an account the block did not write kept its nonce and balance).
import { ACCOUNT_PREFIX } from "../state/modules/bank/store.ts";
import type { Change } from "../state/store/types.ts";

/** The addresses (hex) whose account record `changes` write. PERF: O(changes), no decoding. */
export function touchedAccounts(changes: readonly Change[]): Set<string> {
  const out = new Set<string>();
  const p = ACCOUNT_PREFIX;
  for (const { key } of changes) {
    if (key.length === p.length + 20 && key[0] === p[0] && key[1] === p[1])
      out.add(Buffer.from(key.buffer, key.byteOffset + p.length, 20).toString("hex"));
  }
  return out;
}
