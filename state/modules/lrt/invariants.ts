// lrt's invariants, from raw records: the rststra supply is exactly what this module issued; its
// account and its escrow hold exactly what its records say (idle ststra and stra, escrowed ststra
// and stra), and the escrow covers what every pending request would be paid now.
import type { KVScanner } from "../../store/types.ts";
import { getBalance, getSupply } from "../bank/keeper.ts";
import { LRT, LRT_ESCROW } from "./keeper.ts";
import { getRequest, getState } from "./store.ts";

const E18 = 10n ** 18n;

export function lrtInvariants(s: KVScanner): string[] {
  const out: string[] = [];
  const st = getState(s);
  const supply = getSupply(s, "rststra");
  if (supply !== st.issued) out.push(`lrt: rststra supply is ${supply} but the module issued ${st.issued}`);
  const check = (what: string, have: bigint, want: bigint) => {
    if (have !== want) out.push(`lrt: ${what} is ${have}, its record says ${want}`);
  };
  check("the LRT account's ststra", getBalance(s, LRT, "ststra"), st.idleStstra);
  check("the LRT account's stra", getBalance(s, LRT, "stra"), st.idleStra);
  check("the escrow's ststra", getBalance(s, LRT_ESCROW, "ststra"), st.escrowStstra);
  check("the escrow's stra", getBalance(s, LRT_ESCROW, "stra"), st.escrowStra);
  let units = 0n;
  let dueStra = 0n;
  for (let id = 1; id < st.nextRequestId; id++) {
    const r = getRequest(s, id);
    if (!r || r.claimed) continue;
    dueStra += r.stra;
    if (r.era === st.escrowEra) units += r.units;
  }
  if (units !== st.escrowUnits)
    out.push(`lrt: pending requests hold ${units} escrow units, the record says ${st.escrowUnits}`);
  if ((units * st.escrowMagnitude) / E18 > st.escrowStstra)
    out.push(
      `lrt: pending requests are owed ${(units * st.escrowMagnitude) / E18} ststra, the escrow holds ${st.escrowStstra}`,
    );
  if (dueStra > st.escrowStra)
    out.push(`lrt: pending requests are owed ${dueStra} stra, the escrow holds ${st.escrowStra}`);
  return out;
}
