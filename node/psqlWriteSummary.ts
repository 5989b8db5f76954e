// The Strata tables of one height (node/psqlSchema.ts: validator_sets, token_stats,
// pool_prices), from the height summary stored with the block (state/heightSummary.ts), inside
// the block's transaction (node/psqlWriteBlock.ts). Amounts go in as the state's integers and
// become whole tokens by a decimal exponent ('123e-18'::numeric), so nothing is rounded
// (a NUMERIC division would round to its own scale).
import type pg from "pg";
import type { HeightSummary } from "../state/heightSummary.ts";
import { pgText } from "./psqlBlockRows.ts";

/** SQL for parameter $i, an 18-decimal integer, as exact whole tokens without trailing zeros. */
const tokens = (i: number) => `trim_scale(($${i}::text || 'e-18')::numeric)`;

export async function writeSummary(client: pg.ClientBase, blockRowId: string, s: HeightSummary): Promise<void> {
  const v = s.validators;
  if (v.length) {
    await client.query(
      "INSERT INTO validator_sets (block_id, index, address, pubkey, moniker, power) SELECT $1, * FROM unnest($2::int[], $3::varchar[], $4::varchar[], $5::varchar[], $6::bigint[])",
      [
        blockRowId,
        v.map((_, i) => i),
        v.map((x) => x.address),
        v.map((x) => x.pubkey),
        v.map((x) => pgText(x.moniker)),
        v.map((x) => x.power),
      ],
    );
  }
  await client.query(
    `INSERT INTO token_stats (block_id, stra_supply, ststra_supply, rststra_supply, lst_rate, lst_pooled, lrt_rate, lrt_tvl)
     VALUES ($1, ${[2, 3, 4, 5, 6, 7, 8].map(tokens).join(", ")})`,
    [blockRowId, s.supply.stra, s.supply.ststra, s.supply.rststra, s.lst.rate, s.lst.pooled, s.lrt.rate, s.lrt.tvl],
  );
  if (s.pools.length) {
    await client.query(
      "INSERT INTO pool_prices (block_id, pool, price) SELECT $1, pool, trim_scale((price || 'e-18')::numeric) FROM unnest($2::varchar[], $3::varchar[]) AS u(pool, price)",
      [blockRowId, s.pools.map((p) => pgText(p.pool)), s.pools.map((p) => p.price)],
    );
  }
}
