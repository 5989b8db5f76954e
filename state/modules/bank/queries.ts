import type { QueryDef } from "../../module.ts";
import { decodeAddress } from "../../crypto/address.ts";
import { DENOMS } from "../../denoms.ts";
import type { KVReader } from "../../store/types.ts";
import { getAllBalances, getNonce, getSupply } from "./keeper.ts";

/** bank_balances: every denom's balance as a decimal string, plus the account nonce. */
export function queryBalances(store: KVReader, addr: Uint8Array): { balances: Record<string, string>; nonce: string } {
  const b = getAllBalances(store, addr);
  const balances: Record<string, string> = {};
  for (const d of DENOMS) balances[d] = (b[d] ?? 0n).toString();
  return { balances, nonce: getNonce(store, addr).toString() };
}

export function querySupply(store: KVReader): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of DENOMS) out[d] = getSupply(store, d).toString();
  return out;
}

/** bank's queries, registered in its manifest. */
export const bankQueries: Readonly<Record<string, QueryDef>> = {
  balances: {
    summary: "balances and nonce of an address",
    args: [{ name: "address", kind: "address" }],
    run: (s, a) => ({ address: a.address, ...queryBalances(s, decodeAddress(a.address!)) }),
  },
  supply: { summary: "total supply per denom", run: (s) => ({ supply: querySupply(s) }) },
};
