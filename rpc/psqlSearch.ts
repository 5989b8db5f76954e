// tx_search and block_search answered from the psql indexer's tables (node/psqlSchema.ts), with
// the query language of rpc/query.ts and the same matches as its `matches`: a condition holds
// when some attribute with that composite key passes it; every condition must hold. Each
// condition becomes the set of tx (or block) rows that pass it; the answer is their
// intersection, ordered by height and index, one page of it fetched.
//
// Exactly the kv semantics: `=` with a string compares text, `=` with a number and < <= > >=
// compare attributes.value_num, which the indexer stored as JavaScript's Number(value) (so "",
// " 7" and "1e3" compare as the kv index compares them); CONTAINS is a substring test (strpos,
// no LIKE wildcards); EXISTS needs only the key.
import type pg from "pg";
import { pgText } from "../node/psqlBlockRows.ts";
import { type Condition, type Query } from "./query.ts";

export type SqlQuery = { text: string; values: unknown[] };
export type SearchTarget = "tx" | "block";

/** The SQL test of one condition on attribute `a`, adding its parameter to `values`. */
function conditionTest(c: Condition, values: unknown[]): string {
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  switch (c.op) {
    case "EXISTS":
      return "TRUE";
    case "CONTAINS":
      return `strpos(a.value, ${p(pgText(String(c.value)))}) > 0`;
    case "=":
      return typeof c.value === "number"
        ? `a.value_num = ${p(c.value)}::float8`
        : `a.value = ${p(pgText(String(c.value)))}`;
    default: {
      const b = Number(c.value);
      if (Number.isNaN(b)) return "FALSE";
      return `a.value_num ${c.op} ${p(b)}::float8`;
    }
  }
}

/**
 * The rows of `target` matching every condition, one page, each with the total count. The
 * constants (a block_search's tm.event='NewBlock') are decided by the caller; here every
 * condition is on stored attributes.
 */
export function searchSql(
  target: SearchTarget,
  chainId: string,
  conditions: readonly Condition[],
  page: number,
  perPage: number,
  desc: boolean,
): SqlQuery {
  const values: unknown[] = [chainId];
  const idCol = target === "tx" ? "e.tx_id" : "e.block_id";
  const own = target === "tx" ? "e.tx_id IS NOT NULL" : "e.tx_id IS NULL";
  const sets = conditions.map((c) => {
    values.push(pgText(c.key));
    const key = `$${values.length}`;
    return `SELECT ${idCol} FROM attributes a JOIN events e ON e.rowid = a.event_id WHERE ${own} AND a.composite_key = ${key} AND ${conditionTest(c, values)}`;
  });
  const dir = desc ? "DESC" : "ASC";
  values.push(perPage, (page - 1) * perPage);
  const limit = `LIMIT $${values.length - 1} OFFSET $${values.length}`;
  if (target === "tx") {
    const filter = sets.length ? `AND t.rowid IN (${sets.join(" INTERSECT ")})` : "";
    return {
      text: `SELECT b.height, t.index, t.tx_hash AS hash, count(*) OVER () AS total FROM tx_results t JOIN blocks b ON b.rowid = t.block_id WHERE b.chain_id = $1 ${filter} ORDER BY b.height ${dir}, t.index ${dir} ${limit}`,
      values,
    };
  }
  const filter = sets.length ? `AND b.rowid IN (${sets.join(" INTERSECT ")})` : "";
  return {
    text: `SELECT b.height, count(*) OVER () AS total FROM blocks b WHERE b.chain_id = $1 ${filter} ORDER BY b.height ${dir} ${limit}`,
    values,
  };
}

export type TxHit = { height: number; index: number; hash: string };

/** One page of matching txs and the total. */
export async function psqlTxSearch(
  db: pg.Pool,
  chainId: string,
  q: Query,
  page: number,
  perPage: number,
  desc: boolean,
): Promise<{ hits: TxHit[]; total: number }> {
  const { rows } = await db.query<{ height: string; index: number; hash: string; total: string }>(
    searchSql("tx", chainId, q.conditions, page, perPage, desc),
  );
  const total = rows.length ? Number(rows[0].total) : await countBeyondPage(db, "tx", chainId, q.conditions, page);
  return { hits: rows.map((r) => ({ height: Number(r.height), index: r.index, hash: r.hash })), total };
}

/** One page of matching block heights and the total; `conditions` without the constant tm.event. */
export async function psqlBlockSearch(
  db: pg.Pool,
  chainId: string,
  conditions: readonly Condition[],
  page: number,
  perPage: number,
  desc: boolean,
): Promise<{ heights: number[]; total: number }> {
  const { rows } = await db.query<{ height: string; total: string }>(
    searchSql("block", chainId, conditions, page, perPage, desc),
  );
  const total = rows.length ? Number(rows[0].total) : await countBeyondPage(db, "block", chainId, conditions, page);
  return { heights: rows.map((r) => Number(r.height)), total };
}

/** A page past the end has no row to carry the total: count with the first page's query. */
async function countBeyondPage(
  db: pg.Pool,
  target: SearchTarget,
  chainId: string,
  conditions: readonly Condition[],
  page: number,
): Promise<number> {
  if (page === 1) return 0;
  const { rows } = await db.query<{ total: string }>(searchSql(target, chainId, conditions, 1, 1, false));
  return rows.length ? Number(rows[0].total) : 0;
}
