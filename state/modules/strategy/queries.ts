// strategy's queries, registered in its manifest: every strategy with its figures, and one pool.
import type { QueryDef } from "../../module.ts";
import { encodeAddress } from "../../crypto/address.ts";
import type { KVReader } from "../../store/types.ts";
import { getBalance } from "../bank/keeper.ts";
import { redemptionRate } from "../lst/keeper.ts";
import { poolPrice } from "./pool.ts";
import { serviceValue } from "./service.ts";
import { getPool, getRegistry, getService, strategyAccount, strategyName, StrategyKind } from "./store.ts";

/** A pool's reserves and price next to the LST's redemption rate; depeg = price / rate − 1 (18 decimals). */
export function poolJson(s: KVReader, id: string) {
  const p = getPool(s, id);
  const price = poolPrice(p);
  const rate = redemptionRate(s);
  return {
    reserveStra: p.reserveStra.toString(),
    reserveStstra: p.reserveStstra.toString(),
    lpSupply: p.lpSupply.toString(),
    price: price.toString(),
    redemptionRate: rate.toString(),
    depeg: price === 0n ? null : (((price - rate) * 10n ** 18n) / rate).toString(),
  };
}

export const strategyQueries: Readonly<Record<string, QueryDef>> = {
  list: {
    summary: "every strategy: pools with reserves and price, services with reward rate, value and operators",
    run: (s) => ({
      strategies: getRegistry(s).map((d) => {
        const id = strategyName(d);
        if (d.kind === StrategyKind.Pool) return { id, kind: "pool", ...poolJson(s, id) };
        const sv = getService(s, id);
        return {
          id,
          kind: "service",
          rewardRate: d.rewardRate.toString(),
          slashFraction: d.slashFraction.toString(),
          downtimeSlashFraction: d.downtimeSlashFraction.toString(),
          value: serviceValue(s, id).toString(),
          operators: sv.operators.filter((o) => o.active).map((o) => encodeAddress(o.operator)),
          rewardPool: getBalance(s, strategyAccount(id), "stra").toString(),
        };
      }),
    }),
  },
  pool: {
    summary: "one pool's reserves, price and depeg",
    args: [{ name: "id", kind: "string", maxLength: 64 }],
    run: (s, a) => ({ id: a.id, ...poolJson(s, a.id!) }),
  },
};
