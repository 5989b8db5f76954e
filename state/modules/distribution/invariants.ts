// distribution's invariants (Cosmos x/distribution): the distribution account holds exactly the
// rewards outstanding to validators, each validator's commission is within its outstanding
// rewards, and what its delegators can withdraw now fits in the rest (F1 rounds down, so the
// difference is dust that stays behind).
import type { KVScanner } from "../../store/types.ts";
import { getBalance } from "../bank/keeper.ts";
import { DELEGATION_PREFIX, getValidator, getValidatorOperators } from "../staking/keeper.ts";
import { DISTRIBUTION, pendingRewards } from "./keeper.ts";
import { getCommission, getOutstanding } from "./store.ts";

export function distributionInvariants(s: KVScanner): string[] {
  const out: string[] = [];
  const claimable = new Map<string, bigint>();
  const n = DELEGATION_PREFIX.length;
  for (const [k] of s.scan(DELEGATION_PREFIX)) {
    const delegator = k.subarray(n, n + 20);
    const validator = k.subarray(n + 20, n + 40);
    const hex = Buffer.from(validator).toString("hex");
    claimable.set(hex, (claimable.get(hex) ?? 0n) + pendingRewards(s, delegator, validator));
  }
  let owed = 0n;
  for (const op of getValidatorOperators(s)) {
    const v = getValidator(s, op)!;
    const outstanding = getOutstanding(s, op);
    const commission = getCommission(s, op);
    owed += outstanding;
    const hex = Buffer.from(v.operator).toString("hex");
    if (commission > outstanding)
      out.push(
        `distribution: validator ${hex} commission ${commission} exceeds its outstanding rewards ${outstanding}`,
      );
    const claims = claimable.get(hex) ?? 0n;
    if (claims + commission > outstanding)
      out.push(
        `distribution: validator ${hex} owes delegators ${claims} and commission ${commission}, but has ${outstanding} outstanding`,
      );
  }
  const dist = getBalance(s, DISTRIBUTION, "stra");
  if (dist !== owed)
    out.push(`distribution: the account holds ${dist} but validators' outstanding rewards sum to ${owed}`);
  return out;
}
