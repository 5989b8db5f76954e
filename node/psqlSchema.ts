// The PostgreSQL schema of the psql indexer (docs/indexer.md): CometBFT's event sink schema
// (state/indexer/sink/psql/schema.sql: blocks, tx_results, events, attributes and the views
// event_attributes, block_events, tx_events), with a few columns added for explorers, and
// Strata's own tables: the height indexed so far per chain (written in the same transaction as
// a block's rows: that is what makes indexing exactly once), the validator set per height and
// the LST/LRT figures per height.
//
// Departures from CometBFT's file, all additive or looser:
// - blocks also hold the header's hash, time, proposer and tx count;
// - tx_results.tx_result holds the signed tx bytes; the result is in columns code, log, gas_used
//   and in events (CometBFT stores one protobuf TxResult there);
// - attributes.value_num is JavaScript's Number(value) (NULL when NaN), so the numeric conditions
//   of the query language (`transfer.amount > 5`, `tx.height = 12`) compare exactly as the kv
//   index does;
// - attributes has no UNIQUE (event_id, key) (an event repeating a key must not stop indexing).
import type pg from "pg";

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS blocks (
  rowid      BIGSERIAL PRIMARY KEY,
  height     BIGINT NOT NULL,
  chain_id   VARCHAR NOT NULL,
  -- when this block was written into the sink, in UTC (CometBFT's meaning)
  created_at TIMESTAMPTZ NOT NULL,
  hash       VARCHAR NOT NULL,
  time       TIMESTAMPTZ NOT NULL,
  proposer   VARCHAR NOT NULL,
  num_txs    INTEGER NOT NULL,
  UNIQUE (height, chain_id)
);
CREATE INDEX IF NOT EXISTS idx_blocks_time ON blocks (time);

CREATE TABLE IF NOT EXISTS tx_results (
  rowid      BIGSERIAL PRIMARY KEY,
  block_id   BIGINT NOT NULL REFERENCES blocks(rowid),
  index      INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  tx_hash    VARCHAR NOT NULL,
  tx_result  BYTEA NOT NULL,
  code       INTEGER NOT NULL,
  log        VARCHAR NOT NULL,
  gas_used   BIGINT NOT NULL,
  UNIQUE (block_id, index)
);
CREATE INDEX IF NOT EXISTS idx_tx_results_hash ON tx_results (tx_hash);

CREATE TABLE IF NOT EXISTS events (
  rowid    BIGSERIAL PRIMARY KEY,
  block_id BIGINT NOT NULL REFERENCES blocks(rowid),
  tx_id    BIGINT NULL REFERENCES tx_results(rowid),
  type     VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_events_tx ON events (tx_id);
CREATE INDEX IF NOT EXISTS idx_events_block ON events (block_id);

CREATE TABLE IF NOT EXISTS attributes (
  event_id      BIGINT NOT NULL REFERENCES events(rowid),
  key           VARCHAR NOT NULL,
  composite_key VARCHAR NOT NULL,
  value         VARCHAR NULL,
  value_num     DOUBLE PRECISION NULL
);
CREATE INDEX IF NOT EXISTS idx_attributes_event ON attributes (event_id);
CREATE INDEX IF NOT EXISTS idx_attributes_key_value ON attributes (composite_key, value);

CREATE OR REPLACE VIEW event_attributes AS
  SELECT block_id, tx_id, type, key, composite_key, value
  FROM events LEFT JOIN attributes ON (events.rowid = attributes.event_id);

CREATE OR REPLACE VIEW block_events AS
  SELECT blocks.rowid AS block_id, height, chain_id, type, key, composite_key, value
  FROM blocks JOIN event_attributes ON (blocks.rowid = event_attributes.block_id)
  WHERE event_attributes.tx_id IS NULL;

CREATE OR REPLACE VIEW tx_events AS
  SELECT height, index, chain_id, type, key, composite_key, value, tx_results.created_at
  FROM blocks JOIN tx_results ON (blocks.rowid = tx_results.block_id)
  JOIN event_attributes ON (tx_results.rowid = event_attributes.tx_id)
  WHERE event_attributes.tx_id IS NOT NULL;

-- Strata: the validator set that signed each block (state/heightSummary.ts)
CREATE TABLE IF NOT EXISTS validator_sets (
  block_id BIGINT NOT NULL REFERENCES blocks(rowid),
  -- position in the set (the order the header's validators_hash commits to)
  index    INTEGER NOT NULL,
  address  VARCHAR NOT NULL,
  pubkey   VARCHAR NOT NULL,
  moniker  VARCHAR NOT NULL,
  power    BIGINT NOT NULL,
  PRIMARY KEY (block_id, address)
);

-- Strata: liquid staking per height, in whole tokens (the state's 18-decimal integers / 10^18, exact)
CREATE TABLE IF NOT EXISTS token_stats (
  block_id       BIGINT PRIMARY KEY REFERENCES blocks(rowid),
  stra_supply    NUMERIC NOT NULL,
  ststra_supply  NUMERIC NOT NULL,
  rststra_supply NUMERIC NOT NULL,
  -- stra per ststra (the LST redemption rate) and the stra the LST pool owns
  lst_rate       NUMERIC NOT NULL,
  lst_pooled     NUMERIC NOT NULL,
  -- stra per rststra (TVL at the LST rate / rststra supply) and that TVL in stra
  lrt_rate       NUMERIC NOT NULL,
  lrt_tvl        NUMERIC NOT NULL
);

-- Strata: price of ststra in stra in each ststra/stra pool per height (depeg = price / lst_rate - 1)
CREATE TABLE IF NOT EXISTS pool_prices (
  block_id BIGINT NOT NULL REFERENCES blocks(rowid),
  pool     VARCHAR NOT NULL,
  price    NUMERIC NOT NULL,
  PRIMARY KEY (block_id, pool)
);

CREATE OR REPLACE VIEW token_stats_by_height AS
  SELECT blocks.height, blocks.chain_id, blocks.time, token_stats.*
  FROM blocks JOIN token_stats ON (blocks.rowid = token_stats.block_id);

-- Strata: the last height whose rows are all in, per chain; moved in each block's transaction
CREATE TABLE IF NOT EXISTS strata_indexer (
  chain_id   VARCHAR PRIMARY KEY,
  height     BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
`;

/**
 * Creates what is missing (every statement is IF NOT EXISTS / OR REPLACE), under a lock so two
 * nodes starting on one database do not race on the catalog.
 */
export async function ensureSchema(client: pg.ClientBase): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('strata-indexer-schema'))");
    await client.query(SCHEMA_SQL);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}
