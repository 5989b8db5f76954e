// bank's invariant: every denom's recorded supply is exactly the sum of all balances, recomputed
// from every account record (Cosmos x/bank TotalSupply). A supply changed without balances, or
// a balance changed without supply, breaks it.
import type { KVScanner } from "../../store/types.ts";
import { Account } from "../../encoding/types.ts";
import { DENOMS } from "../../denoms.ts";
import { ACCOUNT_PREFIX, readSupply } from "./store.ts";

export function bankInvariants(s: KVScanner): string[] {
  const sums = new Map<string, bigint>();
  const utf8d = new TextDecoder();
  for (const [, v] of s.scan(ACCOUNT_PREFIX)) {
    for (const c of Account.deserialize(v).balances) {
      const d = utf8d.decode(c.denom);
      sums.set(d, (sums.get(d) ?? 0n) + c.amount);
    }
  }
  const out: string[] = [];
  for (const d of DENOMS) {
    const supply = readSupply(s, d);
    const sum = sums.get(d) ?? 0n;
    if (supply !== sum) out.push(`bank: ${d} supply is ${supply} but balances sum to ${sum}`);
  }
  return out;
}
