// Invariants checked after every block when STRATA_CHECK_INVARIANTS=1 (tests turn it on for
// every node process): pools hold exactly what staking says they hold, supply covers the
// module accounts, and reward accounting never owes more than the distribution account holds.
import type { KVReader } from "./store/types.ts";
import { getBalance, getSupply } from "./modules/bank/keeper.ts";
import { BONDED_POOL, NOT_BONDED_POOL } from "./modules/staking/keeper.ts";
import { getQueue, getUnbonding, getValidator, getValidatorOperators } from "./modules/staking/store.ts";
import { ValidatorStatus } from "./modules/staking/types.ts";
import { DISTRIBUTION } from "./modules/distribution/keeper.ts";
import { getCommission, getOutstanding } from "./modules/distribution/store.ts";
import { pooledStake, redemptionRate } from "./modules/lst/keeper.ts";
import { lrtRate, tvl } from "./modules/lrt/keeper.ts";

/** Returns the broken invariants (empty if all hold). PERF: O(validators + unbonding queue). */
export function brokenInvariants(s: KVReader): string[] {
  const out: string[] = [];
  const vals = getValidatorOperators(s).map((op) => getValidator(s, op)!);
  const bonded = vals.filter((v) => v.status === ValidatorStatus.Bonded).reduce((a, v) => a + v.tokens, 0n);
  const unbondedTokens = vals.filter((v) => v.status !== ValidatorStatus.Bonded).reduce((a, v) => a + v.tokens, 0n);
  const seen = new Set<string>();
  let unbonding = 0n;
  for (const q of getQueue(s)) {
    const k = Buffer.from(q.delegator).toString("hex") + Buffer.from(q.validator).toString("hex");
    if (seen.has(k)) continue;
    seen.add(k);
    for (const e of getUnbonding(s, q.delegator, q.validator).entries) unbonding += e.balance;
  }
  const bp = getBalance(s, BONDED_POOL, "stra");
  const nbp = getBalance(s, NOT_BONDED_POOL, "stra");
  if (bp !== bonded) out.push(`bonded pool holds ${bp}, bonded validators' tokens sum to ${bonded}`);
  if (nbp !== unbondedTokens + unbonding) out.push(`not-bonded pool holds ${nbp}, unbonded tokens + unbondings sum to ${unbondedTokens + unbonding}`);
  let owed = 0n;
  for (const v of vals) {
    owed += getOutstanding(s, v.operator);
    if (getCommission(s, v.operator) > getOutstanding(s, v.operator)) out.push(`validator ${Buffer.from(v.operator).toString("hex")} commission exceeds its outstanding rewards`);
  }
  const dist = getBalance(s, DISTRIBUTION, "stra");
  if (dist < owed) out.push(`distribution account holds ${dist} but owes ${owed}`);
  if (getSupply(s, "stra") < bp + nbp + dist) out.push("stra supply is smaller than the module accounts' balances");
  // no unbacked liquid tokens
  if ((redemptionRate(s) * getSupply(s, "ststra")) / 10n ** 18n > pooledStake(s)) out.push("ststra is not fully backed: rate × supply > pooled stake");
  if ((lrtRate(s) * getSupply(s, "rststra")) / 10n ** 18n > tvl(s)) out.push("rststra is not fully backed: rate × supply > TVL");
  return out;
}
