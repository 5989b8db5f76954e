// staking's invariants, recomputed from every delegation and unbonding record (Cosmos
// x/staking ModuleAccountInvariants and DelegatorSharesInvariant): the bonded pool holds exactly
// the bonded validators' tokens, the not-bonded pool the others' tokens plus every unbonding
// entry, and each validator's shares are exactly its delegations' shares.
import type { KVScanner } from "../../store/types.ts";
import { getBalance } from "../bank/keeper.ts";
import { BONDED_POOL, NOT_BONDED_POOL } from "./keeper.ts";
import { DELEGATION_PREFIX, getValidator, getValidatorOperators, UNBONDING_PREFIX } from "./store.ts";
import { Delegation, Unbonding, ValidatorStatus } from "./types.ts";

export function stakingInvariants(s: KVScanner): string[] {
  const out: string[] = [];
  const vals = getValidatorOperators(s).map((op) => getValidator(s, op)!);
  let bonded = 0n;
  let unbondedTokens = 0n;
  for (const v of vals) {
    if (v.status === ValidatorStatus.Bonded) bonded += v.tokens;
    else unbondedTokens += v.tokens;
  }
  let unbonding = 0n;
  for (const [, b] of s.scan(UNBONDING_PREFIX))
    for (const e of Unbonding.deserialize(b).entries) unbonding += e.balance;
  const bp = getBalance(s, BONDED_POOL, "stra");
  const nbp = getBalance(s, NOT_BONDED_POOL, "stra");
  if (bp !== bonded) out.push(`staking: bonded pool holds ${bp}, bonded validators' tokens sum to ${bonded}`);
  if (nbp !== unbondedTokens + unbonding)
    out.push(
      `staking: not-bonded pool holds ${nbp}, unbonded tokens + unbonding entries sum to ${unbondedTokens + unbonding}`,
    );
  const shares = new Map<string, bigint>();
  const n = DELEGATION_PREFIX.length;
  for (const [k, b] of s.scan(DELEGATION_PREFIX)) {
    const validator = Buffer.from(k.subarray(n + 20, n + 40)).toString("hex");
    shares.set(validator, (shares.get(validator) ?? 0n) + Delegation.deserialize(b).shares);
  }
  for (const v of vals) {
    const sum = shares.get(Buffer.from(v.operator).toString("hex")) ?? 0n;
    if (sum !== v.shares)
      out.push(
        `staking: validator ${Buffer.from(v.operator).toString("hex")} has ${v.shares} shares, its delegations sum to ${sum}`,
      );
  }
  return out;
}
