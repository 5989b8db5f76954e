// The chain's invariants, checked after every block in every test chain (MemChain) and in every
// node process a test starts (STRATA_CHECK_INVARIANTS=1). Each recomputes from raw state what a
// module's records claim, independently of the code that keeps them (an invariant that restates
// a definition, such as rate × supply ≤ backing where rate := backing / supply, cannot fail).
// Each module's checks live beside it (`modules/<name>/invariants.ts`) and are registered in its
// manifest; the app runs them in its module order.
import { APP } from "./app.ts";
import type { KVScanner } from "./store/types.ts";

/** Returns the broken invariants (empty if all hold). PERF: O(state): tests only. */
export function brokenInvariants(s: KVScanner): string[] {
  return APP.invariants(s);
}
