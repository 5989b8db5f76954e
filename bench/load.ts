// The load generator: pre-signs transfers from many genesis-funded accounts, submits them over
// JSON-RPC (batched broadcast_tx_sync, round-robin over the nodes, at a target rate or as fast
// as accepted), follows the chain (asking one node for each new block) and times each tx from submission to
// the block that finalizes it. Bounded by count and time; 127.0.0.1 only.
import { createHash } from "node:crypto";
import { signTx } from "../client/tx.ts";
import type { TestKey } from "../test/fixtures/memChain.ts";

export type LoadOptions = {
  rpcUrls: string[];
  wsUrl: string;
  chainId: string;
  keys: TestKey[];
  txsPerAccount: number;
  /** txs per second to submit; 0 = as fast as the nodes accept */
  rate: number;
  maxSeconds: number;
  batch: number;
  /** batches in flight at once (default 16) */
  concurrency?: number;
  onProgress?: (s: string) => void;
};

export type LoadResult = {
  presigned: number;
  signSeconds: number;
  submitted: number;
  accepted: number;
  rejected: number;
  rejectReasons: Record<string, number>;
  refusedRetried: number;
  finalized: number;
  notFinalAtDrain: number;
  /** refused txs (and the later nonces of their accounts) still waiting to be resubmitted when the drain ended */
  refusedUnsentAtEnd: number;
  /** accepted, but behind a refused nonce of their account that was not resent by the end: never executable, not lost */
  behindUnsentNonce: number;
  /** accepted and neither finalized nor waiting on an unsent earlier nonce */
  lost: number;
  notFinalSample: Record<string, number>;
  pendingPerNode: number[];
  finalizedPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  blocks: number;
  blockIntervalMs: number;
  /** the 99th percentile of the intervals between blocks seen during the run (header times) */
  blockIntervalP99Ms: number;
  slowestIntervals: { height: number; ms: number; txsBefore: number }[];
  /** heights of the run decided past round 0, with seconds since the load started and the txs they held */
  extraRoundHeights: { height: number; round: number; atS: number; txs: number }[];
  maxTxsPerBlock: number;
  /** blocks the bench had not read yet when its drain ended (read afterwards): its own lag */
  followerLagBlocksAtEnd: number;
};

type BlockJson = {
  header: { time: string; height: string };
  data: { txs: string[] | null };
  last_commit?: { height: string; round: number };
};

const q = (xs: number[], f: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))] : 0;

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  for (const u of [...o.rpcUrls, o.wsUrl])
    if (!/^(http|ws):\/\/127\.0\.0\.1:/.test(u)) throw new Error(`load targets 127.0.0.1 only, got ${u}`);
  // 1. pre-sign: account i sends 1 base unit to account i+1, nonces 0..k-1, interleaved by nonce
  const t0 = performance.now();
  const txs: { b64: string; hash: string; account: number; nonce: number }[] = [];
  for (let n = 0; n < o.txsPerAccount; n++) {
    for (let i = 0; i < o.keys.length; i++) {
      const to = o.keys[(i + 1) % o.keys.length].address;
      const t = signTx(o.keys[i].seed, {
        chainId: o.chainId,
        nonce: BigInt(n),
        fee: 100_000n * 1_000_000_000n,
        msgs: [{ type: "bank/send", value: { to, denom: "stra", amount: 1n } }],
      });
      txs.push({ b64: Buffer.from(t.bytes).toString("base64"), hash: t.hash, account: i, nonce: n });
    }
  }
  const signSeconds = (performance.now() - t0) / 1000;

  // 2. follow blocks
  const call = (url: string, method: string, params: Record<string, unknown>) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    })
      .then((x) => x.json())
      .catch(() => ({})) as Promise<{
      result?: { n_txs?: string; sync_info?: { latest_block_height?: string }; block?: BlockJson };
      error?: { message?: string; data?: { name?: string } };
    }>;
  const submittedAt = new Map<string, number>();
  const latencies: number[] = [];
  const blockTimes: number[] = [];
  const blockHeights: number[] = [];
  const blockTxs: number[] = [];
  const extraRounds: LoadResult["extraRoundHeights"] = [];
  const start = Date.now();
  let finalized = 0;
  let lastFinal = 0;
  let maxTxsPerBlock = 0;
  const onBlock = (block: BlockJson) => {
    const now = Date.now();
    blockTimes.push(Date.parse(block.header.time));
    blockHeights.push(Number(block.header.height));
    const list: string[] = block.data.txs ?? [];
    // this block's lastCommit says in which round the previous height was decided
    const lc = block.last_commit;
    if (lc && lc.round > 0 && blockTimes.length > 1)
      extraRounds.push({
        height: Number(lc.height),
        round: lc.round,
        atS: +((blockTimes[blockTimes.length - 2]! - start) / 1000).toFixed(1),
        txs: blockTxs[blockTxs.length - 1] ?? 0,
      });
    blockTxs.push(list.length);
    maxTxsPerBlock = Math.max(maxTxsPerBlock, list.length);
    for (const b64 of list) {
      const h = createHash("sha256").update(Buffer.from(b64, "base64")).digest("hex").toUpperCase();
      const at = submittedAt.get(h);
      if (at === undefined) continue;
      submittedAt.delete(h);
      latencies.push(now - at);
      finalized++;
      lastFinal = now;
    }
  };
  // Blocks are followed by asking one node for each new height, not by a NewBlock subscription:
  // a node closes the subscription of a client that reads too slowly (a busy load generator on a
  // shared machine is one), and every later block would be missed. PERF: one status request per
  // 100 ms and one block request per height.
  const followUrl = o.wsUrl.replace(/^ws/, "http");
  let following = true;
  let seenHeight = -1;
  const follower = (async () => {
    while (following) {
      try {
        const top = Number((await call(followUrl, "status", {})).result?.sync_info?.latest_block_height ?? -1);
        if (seenHeight < 0) seenHeight = top; // blocks before the load are not the load's
        while (following && seenHeight < top) {
          const b = (await call(followUrl, "block", { height: String(seenHeight + 1) })).result?.block;
          if (!b) break;
          onBlock(b);
          seenHeight++;
        }
      } catch {
        /* the node is busy: ask again */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  while (seenHeight < 0) await new Promise((r) => setTimeout(r, 20));

  // 3. submit in batches, round-robin over the nodes
  let submitted = 0;
  let accepted = 0;
  let rejected = 0;
  let refusedRetried = 0;
  /** refused txs waiting out their retry hint */
  const waiting = new Set<(typeof txs)[number]>();
  const held = new Map<number, { retrying: Set<string>; later: typeof txs }>();
  const reasons: Record<string, number> = {};
  const deadline = start + o.maxSeconds * 1000;
  let next = 0;
  let rr = 0;
  const inflight = new Set<Promise<void>>();
  const pausedUntil = new Map<string, number>();
  const nextUrl = async (): Promise<string> => {
    for (;;) {
      const now = Date.now();
      for (let k = 0; k < o.rpcUrls.length; k++) {
        const u = o.rpcUrls[rr++ % o.rpcUrls.length];
        if ((pausedUntil.get(u) ?? 0) <= now) return u;
      }
      await new Promise((r) =>
        setTimeout(r, Math.max(1, Math.min(...o.rpcUrls.map((u) => pausedUntil.get(u) ?? 0)) - now)),
      );
    }
  };
  /** refused txs whose retry hint has passed: resubmitted before anything new */
  const retryQ: typeof txs = [];
  // after the deadline nothing new is sent, but refused txs are still resubmitted during the
  // drain: later nonces of their accounts were accepted and wait on them
  const drainUntil = deadline + 30_000;
  for (;;) {
    const now = Date.now();
    const loading = now < deadline;
    const noNew = !loading || next >= txs.length;
    // done only when nothing can come back to be sent: a batch still in flight may hold a retried
    // tx that is refused again, or accepted, releasing its account's held later nonces; leaving
    // before its answer left those unsent and the account's nonces after them stuck in every
    // mempool (the 50-68 "pending" txs some runs reported as not final)
    if (now >= drainUntil || (noNew && retryQ.length === 0 && waiting.size === 0 && inflight.size === 0)) break;
    if (retryQ.length === 0 && noNew) {
      // refused txs wait out their retry hint; answers in flight may release held txs
      await Promise.race([new Promise((r) => setTimeout(r, 50)), ...inflight]);
      continue;
    }
    if (o.rate > 0 && retryQ.length === 0) {
      const due = start + (next / o.rate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    // a client resubmits in nonce order: an account whose tx was refused sends nothing later
    // until that tx is in (later nonces would sit unexecutable in mempools and fill them)
    const slice: typeof txs = retryQ.splice(0, o.batch);
    while (loading && slice.length < o.batch && next < txs.length) {
      const t = txs[next++];
      const h = held.get(t.account);
      if (h && !h.retrying.has(t.hash)) h.later.push(t);
      else slice.push(t);
    }
    if (slice.length === 0) continue;
    // a node that refused with a retry hint is left alone until the hint has passed (HTTP 429's
    // Retry-After for the whole client, not just for the refused tx): sending it more meanwhile
    // only makes it decode and refuse more, on CPU the nodes share
    const url = await nextUrl();
    const body = JSON.stringify(
      slice.map((t, i) => ({ jsonrpc: "2.0", id: i, method: "broadcast_tx_sync", params: { tx: t.b64 } })),
    );
    const sentAt = Date.now();
    for (const t of slice) submittedAt.set(t.hash, sentAt);
    submitted += slice.length;
    const p = fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body })
      .then(
        (r) => r.json() as Promise<{ id: number; result?: { code: number; log: string; retry_after_ms?: number } }[]>,
      )
      .then((rs) => {
        for (const r of rs) {
          const t = slice[r.id];
          if (r.result?.code === 0) {
            accepted++;
            const h = held.get(t.account);
            if (h?.retrying.delete(t.hash) && h.retrying.size === 0) {
              held.delete(t.account);
              // the account's later nonces, in order, before anything new: appended to the end of
              // the presigned list they were never sent within the run, and the nonces after them,
              // accepted earlier, filled the node's budget with txs that could not execute (a
              // single validator stopped finalizing after ~25 s with 4,667 such txs pending)
              retryQ.push(...h.later);
            }
          } else if (r.result?.retry_after_ms !== undefined) {
            // admission control: not lost, refused for now; resubmit after the node's hint
            refusedRetried++;
            submittedAt.delete(t.hash);
            pausedUntil.set(url, Math.max(pausedUntil.get(url) ?? 0, Date.now() + r.result.retry_after_ms));
            const h = held.get(t.account) ?? { retrying: new Set<string>(), later: [] };
            h.retrying.add(t.hash);
            held.set(t.account, h);
            waiting.add(t);
            setTimeout(() => (retryQ.push(t), waiting.delete(t)), r.result.retry_after_ms);
          } else {
            rejected++;
            submittedAt.delete(slice[r.id].hash);
            const k = (r.result?.log ?? "rpc error").split(":")[0].slice(0, 40);
            reasons[k] = (reasons[k] ?? 0) + 1;
          }
        }
      })
      .catch(() => {
        rejected += slice.length;
        reasons["request failed"] = (reasons["request failed"] ?? 0) + slice.length;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= (o.concurrency ?? 16)) await Promise.race(inflight);
    if (next % (o.batch * 50) === 0) o.onProgress?.(`submitted ${submitted}, finalized ${finalized}`);
  }
  await Promise.all(inflight);
  // Accepted txs behind a nonce of their account that was refused and not resent by the drain's
  // end (a batch in flight when the account was held got its later nonces in first) can never
  // execute: they are the load generator's cut-off, not the chain's loss, and are counted apart.
  const unsent = [...retryQ, ...waiting, ...[...held.values()].flatMap((h) => h.later)];
  const unsentFrom = new Map<number, number>();
  for (const t of unsent)
    unsentFrom.set(t.account, Math.min(unsentFrom.get(t.account) ?? Number.POSITIVE_INFINITY, t.nonce));
  const byHash = new Map(txs.map((t) => [t.hash, t]));
  let behindUnsent = 0;
  for (const hash of [...submittedAt.keys()]) {
    const t = byHash.get(hash)!;
    if (t.nonce > (unsentFrom.get(t.account) ?? Number.POSITIVE_INFINITY)) behindUnsent++, submittedAt.delete(hash);
  }
  // 4. wait for the rest to finalize: accepted txs whose resubmitted earlier nonces went in late
  // still need their blocks. Bounded: 30 s after the drain, or 10 s without one more finalized;
  // only what is still not final then is reported as not final (and sampled below)
  const notFinalAtDrain = submittedAt.size;
  const settleUntil = Date.now() + 30_000;
  let lastProgress = Date.now();
  let lastSize = submittedAt.size;
  while (submittedAt.size > 0 && Date.now() < settleUntil && Date.now() - lastProgress < 10_000) {
    await new Promise((r) => setTimeout(r, 200));
    if (submittedAt.size < lastSize) (lastSize = submittedAt.size), (lastProgress = Date.now());
  }
  // A starved load generator reads blocks later than the node commits them: before it stops,
  // it reads up to the height the node is at (bounded), so a tx the chain did commit is never
  // counted as not final. Its latency is then when the bench saw it: an upper bound.
  const top = Number((await call(followUrl, "status", {})).result?.sync_info?.latest_block_height ?? 0);
  const lagAtEnd = Math.max(0, top - seenHeight);
  const catchUpUntil = Date.now() + 60_000;
  while (submittedAt.size > 0 && seenHeight < top && Date.now() < catchUpUntil)
    await new Promise((r) => setTimeout(r, 100));
  following = false;
  await follower;
  // what became of the txs not seen final: ask a node for a sample (included after all, expired
  // with a reason, or still unknown to it = pending somewhere or lost)
  const notFinal: Record<string, number> = {};
  for (const hash of [...submittedAt.keys()].slice(0, 200)) {
    const rs = await Promise.all(o.rpcUrls.map((u) => call(u, "tx", { hash })));
    const expired = rs.find((r) => r.error?.data?.name === "TxExpired");
    const k = rs.some((r) => r.result)
      ? "included"
      : expired
        ? `expired ${/\((\w+)\)/.exec(expired.error?.message ?? "")?.[1] ?? ""}`.trim()
        : "not included, not expired (pending)";
    notFinal[k] = (notFinal[k] ?? 0) + 1;
  }
  const pendingPerNode = await Promise.all(
    o.rpcUrls.map(async (u) => Number((await call(u, "num_unconfirmed_txs", {})).result?.n_txs ?? -1)),
  );
  const intervals = blockTimes.slice(1).map((t, i) => t - blockTimes[i]);
  return {
    presigned: txs.length,
    signSeconds: +signSeconds.toFixed(1),
    submitted,
    accepted,
    rejected,
    rejectReasons: reasons,
    /** refused by admission control with a retry hint, and resubmitted after it (not loss) */
    refusedRetried,
    finalized,
    /** accepted but not final when the load generator stopped resubmitting (finalized later or not) */
    notFinalAtDrain,
    refusedUnsentAtEnd: unsent.length,
    behindUnsentNonce: behindUnsent,
    lost: submittedAt.size,
    /** a sample (≤ 200) of those, by what a node says of them */
    notFinalSample: notFinal,
    /** txs each node still holds when the bench ends */
    pendingPerNode,
    finalizedPerSec: lastFinal > start ? Math.round(finalized / ((lastFinal - start) / 1000)) : 0,
    latencyP50Ms: q(latencies, 0.5),
    latencyP99Ms: q(latencies, 0.99),
    blocks: blockTimes.length,
    blockIntervalMs: intervals.length ? Math.round(intervals.reduce((a, b) => a + b, 0) / intervals.length) : 0,
    blockIntervalP99Ms: q(intervals, 0.99),
    /** the five longest intervals: the height that ended each, its ms, and the txs of the block before it */
    slowestIntervals: intervals
      .map((ms, i) => ({ height: blockHeights[i + 1], ms, txsBefore: blockTxs[i] }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5),
    extraRoundHeights: extraRounds,
    followerLagBlocksAtEnd: lagAtEnd,
    maxTxsPerBlock,
  };
}
