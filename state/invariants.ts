// The chain's invariants, checked after every block in every test chain (MemChain) and in every
// node process a test starts (STRATA_CHECK_INVARIANTS=1). Each recomputes from raw state what a
// module's records claim, independently of the code that keeps them (an invariant that restates
// a definition, such as rate × supply ≤ backing where rate := backing / supply, cannot fail).
// Each module's checks live beside it.
import type { KVScanner } from "./store/types.ts";
import { bankInvariants } from "./modules/bank/invariants.ts";
import { stakingInvariants } from "./modules/staking/invariants.ts";
import { distributionInvariants } from "./modules/distribution/invariants.ts";
import { lstInvariants } from "./modules/lst/invariants.ts";
import { lrtInvariants } from "./modules/lrt/invariants.ts";
import { strategyInvariants } from "./modules/strategy/invariants.ts";

export const INVARIANTS: readonly { name: string; check: (s: KVScanner) => string[] }[] = [
  { name: "bank", check: bankInvariants },
  { name: "staking", check: stakingInvariants },
  { name: "distribution", check: distributionInvariants },
  { name: "lst", check: lstInvariants },
  { name: "lrt", check: lrtInvariants },
  { name: "strategy", check: strategyInvariants },
];

/** Returns the broken invariants (empty if all hold). PERF: O(state): tests only. */
export function brokenInvariants(s: KVScanner): string[] {
  return INVARIANTS.flatMap((i) => i.check(s));
}
