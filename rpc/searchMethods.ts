// tx_search and block_search: the RPC work whose cost grows with the chain, so the one that runs
// under the work budgets (rpc/workBudget.ts): one scan at a time node-wide, slices of a few ms
// between which the event loop serves consensus, and the request's deadline.
import type { BlockValue } from "../state/encoding/types.ts";
import type { Chain } from "../node/chain.ts";
import type { Method } from "./jsonrpc.ts";
import { blockJson } from "./cometShapes.ts";
import { intParam } from "./params.ts";
import { eventMap, matches, parseQuery } from "./query.ts";
import { eventPosition, searchPrefix } from "../node/txEventIndex.ts";
import { blockIdAt, loadBlock, resultsAt, txJson } from "./chainReads.ts";
import type { StoredTxResult } from "./txJson.ts";
import { checkpoint, ScanGate } from "./workBudget.ts";
import type pg from "pg";
import type { IndexerKind } from "../node/config.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";
import { psqlBlockSearch, psqlTxSearch, type TxHit } from "./psqlSearch.ts";

/** Where searches are answered from (config indexer.kind); `psql`: the indexer's database. */
export type SearchIndex = { kind: IndexerKind; psql?: pg.Pool };

const MAX_SEARCH_HEIGHTS = 10_000;
/** tx_search answers from at most this many index entries of its indexed condition */
const MAX_INDEX_HITS = 100_000;

export function searchMethods(chain: Chain, index: SearchIndex = { kind: "kv" }): Map<string, Method> {
  const m = new Map<string, Method>();
  if (index.kind === "null") {
    // as CometBFT with indexer = "null": say so rather than answer "nothing found"
    const off = () => {
      throw new StrataError(
        ErrorCode.IndexingDisabled,
        'transaction indexing is disabled on this node (config indexer.kind is "null")',
      );
    };
    m.set("tx_search", off);
    m.set("block_search", off);
    return m;
  }
  if (index.kind === "psql") {
    for (const [name, method] of psqlSearchMethods(chain, index.psql!)) m.set(name, method);
    return m;
  }
  // Searches are the one unbounded-looking work an RPC client can ask for: each runs through the
  // scan gate (one at a time node-wide) and yields to the event loop every few ms (checkpoint), and
  // the request's time budget stops it; see docs/rpc.md "Limits and work budgets".
  const scans = new ScanGate(1, 16);

  m.set("tx_search", (p) =>
    scans.run(async () => {
      const q = parseQuery(p.query as string);
      const page = intParam(p, "page", 1, 1, 1_000_000);
      const perPage = intParam(p, "per_page", 30, 1, 100);
      const desc = p.order_by === "desc";
      const byHash = q.conditions.find((c) => c.key === "tx.hash" && c.op === "=");
      // the account index answers an equality on an address (when this node keeps it)
      const prefix = chain.indexTxEvents
        ? q.conditions
            .map((c) => (c.op === "=" && typeof c.value === "string" ? searchPrefix(c.value) : undefined))
            .find((x) => x !== undefined)
        : undefined;
      const matchesTx = (events: StoredTxResult["events"], hash: string, height: number | string) =>
        matches(q, eventMap(events, { "tx.hash": hash, "tx.height": String(height) }));
      const hits: { height: number; index: number; hash: string }[] = [];
      if (byHash) {
        const hashHex = String(byHash.value);
        const t = /^[0-9a-fA-F]{64}$/.test(hashHex)
          ? await txJson(chain, new Uint8Array(Buffer.from(hashHex, "hex")))
          : undefined;
        if (t && matchesTx(t.tx_result.events, t.hash, t.height))
          hits.push({ height: Number(t.height), index: t.index, hash: t.hash });
      } else if (prefix) {
        // One index range scan for that address; every hit is then checked against the whole query
        // (which attribute holds it, the other conditions) with the tx's stored events.
        const byHeight = new Map<number, StoredTxResult[]>();
        for (const key of await chain.db.searchTxEvents(prefix, MAX_INDEX_HITS)) {
          await checkpoint();
          const { height, index } = eventPosition(key);
          let rs = byHeight.get(height);
          if (!rs) byHeight.set(height, (rs = await resultsAt(chain, height).catch(() => [])));
          const r = rs[index];
          if (r && matchesTx(r.events, r.hash, height)) hits.push({ height, index, hash: r.hash });
        }
      } else {
        // Scan recent blocks' results (bounded): the query names no hash and no account.
        const exact = q.conditions.find((c) => c.key === "tx.height" && c.op === "=");
        const top = exact ? Math.min(Number(exact.value), chain.height) : chain.height;
        const bottom = exact ? top : Math.max(1, chain.height - MAX_SEARCH_HEIGHTS + 1);
        for (let h = bottom; h <= top; h++) {
          await checkpoint();
          const results = await resultsAt(chain, h).catch(() => []);
          for (let index = 0; index < results.length; index++) {
            if (index % 256 === 255) await checkpoint(); // a block may hold thousands of txs
            const r = results[index]!;
            if (matchesTx(r.events, r.hash, h)) hits.push({ height: h, index, hash: r.hash });
          }
        }
      }
      if (desc) hits.reverse();
      return {
        txs: await txsJson(chain, hits.slice((page - 1) * perPage, page * perPage)),
        total_count: String(hits.length),
      };
    }),
  );

  // CometBFT's block_search. Blocks carry no indexed events here beyond their height, so the
  // query's block.height conditions pick the range (the last MAX_SEARCH_HEIGHTS heights at most)
  // and every condition is then checked per height.
  m.set("block_search", (p) =>
    scans.run(async () => {
      const q = parseQuery(p.query as string);
      const page = intParam(p, "page", 1, 1, 1_000_000);
      const perPage = intParam(p, "per_page", 30, 1, 100);
      const bottom = Math.max(chain.db.earliestBlock(), chain.height - MAX_SEARCH_HEIGHTS + 1);
      const heights: number[] = [];
      for (let h = bottom; h <= chain.height; h++) {
        await checkpoint();
        if (matches(q, eventMap([], { "tm.event": "NewBlock", "block.height": String(h) }))) heights.push(h);
      }
      if (p.order_by === "desc") heights.reverse();
      return {
        blocks: await blocksJson(chain, heights.slice((page - 1) * perPage, page * perPage)),
        total_count: String(heights.length),
      };
    }),
  );
  return m;
}

/** One page of tx hits in tx_search's shape, read from the block store. */
async function txsJson(chain: Chain, hits: readonly TxHit[]) {
  const txs = [];
  const blocks = new Map<number, BlockValue>();
  for (const h of hits) {
    await checkpoint();
    const t = await txJson(chain, new Uint8Array(Buffer.from(h.hash, "hex")), blocks);
    if (t) txs.push(t);
  }
  return txs;
}

async function blocksJson(chain: Chain, heights: readonly number[]) {
  const blocks = [];
  for (const h of heights) {
    const { block } = await loadBlock(chain, h);
    blocks.push(blockJson(await blockIdAt(chain, h), block));
  }
  return blocks;
}

/**
 * The same two methods answered by PostgreSQL (rpc/psqlSearch.ts): the database does the
 * matching, over every indexed height (no scan window, no hit cap), and the node only reads the
 * page's txs or blocks from its block store, so the results have the kv index's exact shape.
 * The answer covers what is indexed: up to the indexer's lag behind the tip.
 */
function psqlSearchMethods(chain: Chain, db: pg.Pool): Map<string, Method> {
  const m = new Map<string, Method>();
  const unavailable = (e: unknown): never => {
    if (e instanceof StrataError) throw e;
    throw new StrataError(ErrorCode.IndexerUnavailable, `the indexer database cannot answer: ${(e as Error).message}`);
  };
  m.set("tx_search", async (p) => {
    const q = parseQuery(p.query as string);
    const page = intParam(p, "page", 1, 1, 1_000_000);
    const perPage = intParam(p, "per_page", 30, 1, 100);
    const { hits, total } = await psqlTxSearch(db, chain.chainId, q, page, perPage, p.order_by === "desc").catch(
      unavailable,
    );
    return { txs: await txsJson(chain, hits), total_count: String(total) };
  });
  m.set("block_search", async (p) => {
    const q = parseQuery(p.query as string);
    const page = intParam(p, "page", 1, 1, 1_000_000);
    const perPage = intParam(p, "per_page", 30, 1, 100);
    // a block's only constant key in the kv search is tm.event = NewBlock: decided here
    const constant = q.conditions.filter((c) => c.key === "tm.event");
    if (!matches({ text: q.text, conditions: constant }, eventMap([], { "tm.event": "NewBlock" })))
      return { blocks: [], total_count: "0" };
    const rest = q.conditions.filter((c) => c.key !== "tm.event");
    const { heights, total } = await psqlBlockSearch(
      db,
      chain.chainId,
      rest,
      page,
      perPage,
      p.order_by === "desc",
    ).catch(unavailable);
    return { blocks: await blocksJson(chain, heights), total_count: String(total) };
  });
  return m;
}
