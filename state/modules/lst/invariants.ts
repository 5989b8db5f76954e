// lst's invariants, from raw records: the ststra supply is exactly what this module issued; the
// ststra it holds is exactly the escrow of this epoch's requests; and the stra it holds or has
// unbonding covers its idle stra plus everything its open batches still owe claimers.
import type { KVScanner } from "../../store/types.ts";
import { getBalance, getSupply } from "../bank/keeper.ts";
import { getUnbonding, getValidatorOperators } from "../staking/keeper.ts";
import { batchOwed, LST } from "./keeper.ts";
import { getRequest, getState } from "./store.ts";

export function lstInvariants(s: KVScanner): string[] {
  const out: string[] = [];
  const st = getState(s);
  const supply = getSupply(s, "ststra");
  if (supply !== st.issued) out.push(`lst: ststra supply is ${supply} but the module issued ${st.issued}`);
  let escrow = 0n;
  for (let id = st.firstPendingId; id < st.nextRequestId; id++) escrow += getRequest(s, id)?.shares ?? 0n;
  const held = getBalance(s, LST, "ststra");
  if (held !== escrow) out.push(`lst: holds ${held} ststra but this epoch's requests escrowed ${escrow}`);
  let unbonding = 0n;
  for (const op of getValidatorOperators(s)) for (const e of getUnbonding(s, LST, op).entries) unbonding += e.balance;
  const owed = st.openBatches.reduce((a, b) => a + batchOwed(b), 0n);
  const assets = getBalance(s, LST, "stra") + unbonding;
  // batches owed are rounded up per batch: allow one base unit per batch
  if (assets + BigInt(st.openBatches.length) < st.idle + owed)
    out.push(`lst: holds ${assets} stra (balance + unbonding) but owes ${st.idle} idle + ${owed} to claimers`);
  return out;
}
