// Writes one height's rows and moves the indexed height, in ONE PostgreSQL transaction: after a
// crash of the node or of PostgreSQL either all of a block is in and the height says so, or
// none of it is and the height does not. The height row is locked and checked first, so a
// second writer (or a retry after a commit whose reply was lost) never writes a height twice.
//
// Each table is one INSERT … SELECT FROM unnest(column arrays): a multi-row insert of any size
// in one statement and one round trip, without the 65,535-parameter limit of VALUES lists.
import type pg from "pg";
import type { BlockRows } from "./psqlBlockRows.ts";
import { writeSummary } from "./psqlWriteSummary.ts";

/** Thrown when the database's indexed height is not the one this write follows. */
export class IndexedHeightMoved extends Error {
  readonly found: number;
  constructor(expected: number, found: number) {
    super(
      `the database's indexed height is ${found}, not ${expected}: another writer, or a commit whose reply was lost`,
    );
    this.found = found;
  }
}

/** The last fully indexed height of `chainId` in the database (0: none). */
export async function indexedHeight(client: pg.ClientBase, chainId: string): Promise<number> {
  const r = await client.query<{ height: string }>("SELECT height FROM strata_indexer WHERE chain_id = $1", [chainId]);
  return r.rows.length ? Number(r.rows[0].height) : 0;
}

export async function writeBlock(
  client: pg.ClientBase,
  chainId: string,
  rows: BlockRows,
  extra?: (client: pg.ClientBase, blockRowId: string) => Promise<void>,
): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(
      "INSERT INTO strata_indexer (chain_id, height, updated_at) VALUES ($1, 0, now()) ON CONFLICT (chain_id) DO NOTHING",
      [chainId],
    );
    const at = await client.query<{ height: string }>(
      "SELECT height FROM strata_indexer WHERE chain_id = $1 FOR UPDATE",
      [chainId],
    );
    const found = Number(at.rows[0].height);
    if (found !== rows.height - 1) throw new IndexedHeightMoved(rows.height - 1, found);

    const ids = await client.query<{ block: string; txs: string[]; events: string[] }>(
      `SELECT nextval('blocks_rowid_seq') AS block,
              ARRAY(SELECT nextval('tx_results_rowid_seq') FROM generate_series(1, $1::int)) AS txs,
              ARRAY(SELECT nextval('events_rowid_seq') FROM generate_series(1, $2::int)) AS events`,
      [rows.txs.index.length, rows.events.type.length],
    );
    const { block, txs, events } = ids.rows[0];
    await client.query(
      "INSERT INTO blocks (rowid, height, chain_id, created_at, hash, time, proposer, num_txs) VALUES ($1, $2, $3, now(), $4, $5, $6, $7)",
      [block, rows.height, chainId, rows.hash, rows.time, rows.proposer, rows.txs.index.length],
    );
    if (txs.length) {
      const t = rows.txs;
      await client.query(
        `INSERT INTO tx_results (rowid, block_id, index, created_at, tx_hash, tx_result, code, log, gas_used)
         SELECT id, $1, idx, now(), hash, tx, code, log, gas FROM unnest($2::bigint[], $3::int[], $4::varchar[], $5::bytea[], $6::int[], $7::varchar[], $8::bigint[]) AS u(id, idx, hash, tx, code, log, gas)`,
        [block, txs, t.index, t.hash, t.tx, t.code, t.log, t.gasUsed],
      );
    }
    if (events.length) {
      await client.query(
        "INSERT INTO events (rowid, block_id, tx_id, type) SELECT id, $1, tx, type FROM unnest($2::bigint[], $3::bigint[], $4::varchar[]) AS u(id, tx, type)",
        [block, events, rows.events.tx.map((i) => (i < 0 ? null : txs[i])), rows.events.type],
      );
    }
    if (rows.attributes.event.length) {
      const a = rows.attributes;
      await client.query(
        "INSERT INTO attributes (event_id, key, composite_key, value, value_num) SELECT * FROM unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::varchar[], $5::float8[])",
        [a.event.map((i) => events[i]), a.key, a.compositeKey, a.value, a.valueNum],
      );
    }
    if (rows.summary) await writeSummary(client, block, rows.summary);
    if (extra) await extra(client, block);
    await client.query("UPDATE strata_indexer SET height = $2, updated_at = now() WHERE chain_id = $1", [
      chainId,
      rows.height,
    ]);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}
