// strategy's invariants: each pool account holds exactly its recorded reserves, and each
// service account holds exactly the ststra allocated to its operators.
import type { KVScanner } from "../../store/types.ts";
import { getBalance } from "../bank/keeper.ts";
import { getPool, getRegistry, getService, strategyAccount, strategyName, StrategyKind } from "./store.ts";

export function strategyInvariants(s: KVScanner): string[] {
  const out: string[] = [];
  for (const d of getRegistry(s)) {
    const id = strategyName(d);
    const acct = strategyAccount(id);
    if (d.kind === StrategyKind.Pool) {
      const p = getPool(s, id);
      const stra = getBalance(s, acct, "stra");
      const ststra = getBalance(s, acct, "ststra");
      if (stra !== p.reserveStra || ststra !== p.reserveStstra)
        out.push(
          `strategy: pool "${id}" holds ${stra} stra / ${ststra} ststra, its reserves say ${p.reserveStra} / ${p.reserveStstra}`,
        );
    } else {
      const alloc = getService(s, id).operators.reduce((a, o) => a + o.alloc, 0n);
      const held = getBalance(s, acct, "ststra");
      if (held !== alloc)
        out.push(`strategy: service "${id}" holds ${held} ststra, its operators' allocations sum to ${alloc}`);
    }
  }
  return out;
}
