// strategy's genesis: `params.strategies`, the registry with each service's reward pool and
// genesis operators, and each pool's opening liquidity.
import { genesisDef } from "../../module.ts";
import { MAX_AMOUNT } from "../../denoms.ts";
import { addressFromPubkey } from "../../crypto/address.ts";
import { makeReaders } from "../../paramsParse.ts";
import { parseStrategyFractions } from "./params.ts";
import { mint } from "../bank/keeper.ts";
import { stake as lstStake } from "../lst/keeper.ts";
import { optIn } from "./service.ts";
import { addLiquidity } from "./pool.ts";
import { setRegistry, strategyAccount, StrategyKind } from "./store.ts";
import { strategiesJson } from "../../paramsQuery.ts";
import { Prefix } from "../../keys.ts";

export type GenesisStrategy = {
  id: string;
  kind: "service" | "pool";
  rewardRate: bigint;
  slashFraction: bigint;
  downtimeSlashFraction: bigint;
  rewardPool: bigint;
  liquidityStra: bigint;
  optInGenesisValidators: boolean;
};

/** Service ids named in a raw `params.strategies` (the LRT's weights may name only these). */
export function genesisServiceIds(raw: unknown): string[] {
  return Array.isArray(raw)
    ? raw.filter((x) => x?.kind === "service" && typeof x.id === "string").map((x) => x.id as string)
    : [];
}

export const strategyGenesis = genesisDef<GenesisStrategy[]>({
  key: "strategies",
  parse: (json, _g, field, fail) => {
    const r = makeReaders(fail);
    if (json !== undefined && !Array.isArray(json)) fail(field, "must be an array");
    const list = ((json ?? []) as unknown[]).map((x, i): GenesisStrategy => {
      const f = `${field}[${i}]`;
      const o = r.obj(x, f);
      r.onlyKeys(
        o,
        [
          "id",
          "kind",
          "rewardRate",
          "slashFraction",
          "downtimeSlashFraction",
          "rewardPool",
          "liquidityStra",
          "optInGenesisValidators",
        ],
        f,
      );
      const id = r.str(o.id, `${f}.id`);
      if (!/^[a-z0-9-]{1,32}$/.test(id)) fail(`${f}.id`, "must be 1-32 of [a-z0-9-]");
      const kind = r.str(o.kind, `${f}.kind`);
      if (kind !== "service" && kind !== "pool") fail(`${f}.kind`, 'must be "service" or "pool"');
      return {
        id,
        kind: kind as "service" | "pool",
        ...parseStrategyFractions(o, f, fail),
        rewardPool: o.rewardPool === undefined ? 0n : r.uint(o.rewardPool, `${f}.rewardPool`, MAX_AMOUNT),
        liquidityStra: o.liquidityStra === undefined ? 0n : r.uint(o.liquidityStra, `${f}.liquidityStra`, MAX_AMOUNT),
        optInGenesisValidators: o.optInGenesisValidators === true,
      };
    });
    if (new Set(list.map((x) => x.id)).size !== list.length) fail(field, "duplicate strategy id");
    return list;
  },
  /**
   * The registry, each service's reward pool (minted into its account) and genesis operators, and
   * each pool's opening liquidity: half in stra, half in ststra obtained by liquid staking at
   * genesis (so it is fully backed); its LP shares belong to the authority.
   */
  init: (ctx, strategies, g) => {
    const enc = new TextEncoder();
    setRegistry(
      ctx.store,
      strategies.map((x) => ({
        id: enc.encode(x.id),
        kind: x.kind === "service" ? StrategyKind.Service : StrategyKind.Pool,
        rewardRate: x.rewardRate,
        slashFraction: x.slashFraction,
        downtimeSlashFraction: x.downtimeSlashFraction,
      })),
    );
    for (const x of strategies) {
      const acct = strategyAccount(x.id);
      if (x.kind === "service") {
        if (x.rewardPool > 0n) mint(ctx.store, acct, "stra", x.rewardPool);
        if (x.optInGenesisValidators) for (const v of g.validators) optIn(ctx, addressFromPubkey(v.pubkey), x.id);
      } else if (x.liquidityStra > 0n) {
        mint(ctx.store, g.authority, "stra", 2n * x.liquidityStra);
        const st = lstStake(ctx, g.authority, x.liquidityStra);
        addLiquidity(ctx, g.authority, x.id, x.liquidityStra, st);
      }
    }
  },
  // the registry only: reward pools, operators and liquidity are in the exported records and
  // balances, so none is funded again
  export: (s) => strategiesJson(s),
  // service accruals are stamped with times, not heights: carried as they are
  records: { prefix: Prefix.strategy },
});
