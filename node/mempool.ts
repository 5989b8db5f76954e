// The mempool: txs that passed CheckTx, waiting for a block. Per-sender queues ordered by nonce
// (a sender's txs can only execute in nonce order), fee-per-gas priority across senders, caps on
// count and bytes with eviction of the cheapest tail, dedupe by hash, and a TTL in blocks and
// time (CometBFT's ttl-num-blocks / ttl-duration) that drops a stuck tx together with the later
// nonces of its sender, which could never execute without it. Every tx that leaves without
// being committed is remembered for a while with why (`dropped`), so a client that was told
// "accepted" can learn that it must resubmit. Pure data structure: the node supplies committed
// nonces, heights and times; no I/O, no clock.
import { ErrorCode, StrataError } from "../state/errors.ts";

export type MempoolTx = {
  hash: string;
  bytes: Uint8Array;
  sender: string;
  nonce: bigint;
  fee: bigint;
  gas: bigint;
  /** where it came from (node/admission.ts originKey): pending gas is counted per source */
  origin?: string;
};

export type MempoolOptions = {
  maxTxs: number;
  maxBytes: number;
  maxPerSender: number;
  maxNonceGap: number;
  /** a tx not included within this many blocks of its admission is dropped (0 or absent: no limit) */
  ttlNumBlocks?: number;
  /** nor within this many milliseconds (0 or absent: no limit) */
  ttlDurationMs?: number;
  /**
   * Admission control: new txs are refused (MempoolFull, with a retry hint) while the pending txs
   * already want this many blocks' gas (params.block.maxGas each): a node does not accept work it
   * cannot finalize within a few blocks (0 or absent: no limit but maxTxs/maxBytes).
   */
  maxPendingBlocks?: number;
};
export type MempoolDeps = { accountNonce(sender: string): bigint };

/** Why a tx left the mempool without being committed. */
export type DropReason = "ttl" | "dependency" | "recheck" | "evicted";
export type DropRecord = { height: number; reason: DropReason };
/** When a tx was admitted: chain height and wall-clock ms (the caller's clock). */
export type Admission = { height: number; time: number };

type Entry = MempoolTx & { seq: number; at: Admission };

/** how many dropped hashes are remembered (FIFO) */
const DROPPED_MAX = 200_000;

/** a before b? Higher fee per gas first, then earlier arrival (deterministic). */
function higher(a: Entry, b: Entry): boolean {
  const l = a.fee * b.gas;
  const r = b.fee * a.gas;
  return l !== r ? l > r : a.seq < b.seq;
}

/** fee/gas of a strictly above b's */
function pricier(a: MempoolTx, b: MempoolTx): boolean {
  return a.fee * b.gas > b.fee * a.gas;
}

export class Mempool {
  private readonly opts: MempoolOptions;
  private readonly deps: MempoolDeps;
  private readonly byHash = new Map<string, Entry>();
  private readonly senders = new Map<string, Map<bigint, Entry>>();
  private totalBytes = 0;
  private totalGas = 0n;
  private readonly gasBySender = new Map<string, bigint>();
  private readonly gasByOrigin = new Map<string, bigint>();
  private seq = 0;
  private readonly droppedTxs = new Map<string, DropRecord>();
  private lastHeight = 0;
  /** txs dropped without being committed, by reason, since start (metrics) */
  readonly dropCounts: Record<DropReason, number> = { ttl: 0, dependency: 0, recheck: 0, evicted: 0 };

  constructor(opts: MempoolOptions, deps: MempoolDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  get size(): number {
    return this.byHash.size;
  }
  get bytes(): number {
    return this.totalBytes;
  }
  /** gas the pending txs want, in all */
  get gas(): bigint {
    return this.totalGas;
  }
  /** gas pending from one sender (hex address) */
  senderGas(sender: string): bigint {
    return this.gasBySender.get(sender) ?? 0n;
  }
  /** gas pending from one source (MempoolTx.origin) */
  originGas(origin: string): bigint {
    return this.gasByOrigin.get(origin) ?? 0n;
  }
  /**
   * Where a tx with `nonce` from `sender` would stand: "next" if it can execute as soon as the
   * sender's pending txs before it do, "fills-gap" if later nonces of the sender are pending (they
   * wait on it, or on it and others), "gapped" if an earlier nonce is neither committed nor pending
   * (it cannot execute yet). PERF: one account nonce read, Map lookups, at most one pass over the
   * sender's pending nonces (maxPerSender).
   */
  nonceOrder(sender: string, nonce: bigint): "next" | "fills-gap" | "gapped" {
    const q = this.senders.get(sender);
    const follows = q?.has(nonce - 1n) || nonce === this.deps.accountNonce(sender);
    if (!follows) return "gapped";
    if (q) for (const n of q.keys()) if (n > nonce) return "fills-gap";
    return "next";
  }
  has(hash: string): boolean {
    return this.byHash.has(hash);
  }
  get(hash: string): MempoolTx | undefined {
    return this.byHash.get(hash);
  }

  /** The chain height the mempool starts at (admissions and drops are stamped with it until the next block). */
  startAt(height: number): void {
    this.lastHeight = height;
  }

  /** Why `hash` left the mempool uncommitted, if it did lately. */
  dropped(hash: string): DropRecord | undefined {
    return this.droppedTxs.get(hash);
  }

  /** Admits a tx or throws a StrataError naming the rule. PERF: O(1) unless the pool is full. */
  add(tx: MempoolTx, at: Admission = { height: this.lastHeight, time: 0 }): void {
    if (this.byHash.has(tx.hash))
      throw new StrataError(ErrorCode.TxAlreadyInMempool, `tx ${tx.hash} is already in the mempool`);
    if (tx.gas <= 0n) throw new Error("mempool: gas must be > 0");
    const next = this.deps.accountNonce(tx.sender);
    if (tx.nonce < next)
      throw new StrataError(ErrorCode.NonceTooLow, `nonce ${tx.nonce} already used; account nonce is ${next}`);
    if (tx.nonce > next + BigInt(this.opts.maxNonceGap)) {
      throw new StrataError(
        ErrorCode.NonceGapTooLarge,
        `nonce ${tx.nonce} is more than ${this.opts.maxNonceGap} ahead of account nonce ${next}`,
      );
    }
    const queue = this.senders.get(tx.sender);
    const existing = queue?.get(tx.nonce);
    if (existing) {
      // replacement: at least 10 % more per gas, like geth's price bump
      if (tx.fee * existing.gas * 10n < existing.fee * tx.gas * 11n) {
        throw new StrataError(
          ErrorCode.FeeTooLow,
          `replacement underpriced: a tx with nonce ${tx.nonce} is pending; pay at least 10% more per gas to replace it`,
        );
      }
    } else if (queue && queue.size >= this.opts.maxPerSender) {
      throw new StrataError(
        ErrorCode.SenderQueueFull,
        `sender already has ${queue.size} pending txs (limit ${this.opts.maxPerSender})`,
      );
    }
    const freedBytes = existing ? existing.bytes.length : 0;
    const freedCount = existing ? 1 : 0;
    while (
      this.byHash.size - freedCount >= this.opts.maxTxs ||
      this.totalBytes - freedBytes + tx.bytes.length > this.opts.maxBytes
    ) {
      const victim = this.cheapestTail(tx.sender);
      if (!victim || !pricier(tx, victim)) {
        throw new StrataError(
          ErrorCode.MempoolFull,
          `mempool is full (${this.byHash.size} txs, ${this.totalBytes} bytes) and this tx does not pay more per gas than the cheapest pending one`,
        );
      }
      this.drop(victim, "evicted");
    }
    if (existing) this.drop(existing, "evicted");
    this.droppedTxs.delete(tx.hash); // resubmitted
    const e: Entry = { ...tx, seq: this.seq++, at: { ...at } };
    let q = this.senders.get(tx.sender);
    if (!q) this.senders.set(tx.sender, (q = new Map()));
    q.set(tx.nonce, e);
    this.byHash.set(tx.hash, e);
    this.totalBytes += tx.bytes.length;
    this.totalGas += tx.gas;
    addTo(this.gasBySender, e.sender, e.gas);
    addTo(this.gasByOrigin, e.origin ?? "", e.gas);
  }

  /** The last-nonce tx of some other sender with the lowest fee per gas: evicting it breaks no chain. */
  private cheapestTail(except: string): Entry | undefined {
    let worst: Entry | undefined;
    for (const [sender, q] of this.senders) {
      if (sender === except) continue;
      let tail: Entry | undefined;
      for (const e of q.values()) if (!tail || e.nonce > tail.nonce) tail = e;
      if (tail && (!worst || higher(worst, tail))) worst = tail;
    }
    return worst;
  }

  private removeEntry(e: Entry): void {
    this.byHash.delete(e.hash);
    this.totalBytes -= e.bytes.length;
    this.totalGas -= e.gas;
    addTo(this.gasBySender, e.sender, -e.gas);
    addTo(this.gasByOrigin, e.origin ?? "", -e.gas);
    const q = this.senders.get(e.sender);
    if (q) {
      q.delete(e.nonce);
      if (q.size === 0) this.senders.delete(e.sender);
    }
  }

  /** Removes `e` uncommitted and remembers why. */
  private drop(e: Entry, reason: DropReason): void {
    this.removeEntry(e);
    this.dropCounts[reason]++;
    this.droppedTxs.set(e.hash, { height: this.lastHeight, reason });
    if (this.droppedTxs.size > DROPPED_MAX) this.droppedTxs.delete(this.droppedTxs.keys().next().value!);
  }

  /** Drops `e` and every later nonce of its sender (they cannot execute without it). */
  private dropWithDependents(e: Entry, reason: DropReason): void {
    const q = this.senders.get(e.sender);
    this.drop(e, reason);
    if (!q) return;
    for (const later of [...q.values()]) if (later.nonce > e.nonce) this.drop(later, "dependency");
  }

  remove(hash: string): boolean {
    const e = this.byHash.get(hash);
    if (!e) return false;
    this.removeEntry(e);
    return true;
  }

  /**
   * Executable txs in block order: for each sender the contiguous nonces from its account
   * nonce, merged across senders by the priority of each sender's next tx.
   * PERF: O(n log s) for n reaped txs from s senders.
   */
  reap(maxTxs: number, maxBytes: number, maxGas = 1n << 62n): MempoolTx[] {
    const runs: Entry[][] = [];
    for (const [sender, q] of this.senders) {
      let n = this.deps.accountNonce(sender);
      const run: Entry[] = [];
      for (let e = q.get(n); e; e = q.get(++n)) run.push(e);
      if (run.length) runs.push(run);
    }
    const heads = runs.map(() => 0);
    const heap = new IndexHeap((a, b) => higher(runs[a][heads[a]], runs[b][heads[b]]));
    for (let i = 0; i < runs.length; i++) heap.push(i);
    const out: MempoolTx[] = [];
    let bytes = 0;
    let gas = 0n;
    while (out.length < maxTxs && heap.size > 0) {
      const r = heap.pop()!;
      const e = runs[r][heads[r]];
      if (bytes + e.bytes.length > maxBytes || gas + e.gas > maxGas) break;
      out.push(e);
      bytes += e.bytes.length;
      gas += e.gas;
      if (++heads[r] < runs[r].length) heap.push(r);
    }
    return out;
  }

  /** Up to `limit` txs in arrival order (unconfirmed_txs). */
  list(limit: number): MempoolTx[] {
    const out: MempoolTx[] = [];
    for (const e of this.byHash.values()) {
      if (out.length >= limit) break;
      out.push(e);
    }
    return out;
  }

  /**
   * After a block: drop its txs, then txs whose nonce the chain has passed, then (if given)
   * txs that no longer pass `recheck` against the new state.
   */
  /**
   * `synced`: the block came by block sync, not consensus. Such blocks do not count against the
   * TTL (the tx could not have been in them: they were decided while this node was behind), so
   * a node catching up 100 blocks does not expire everything it holds.
   */
  /**
   * `nonceOf`: the account nonce of a sender now (default deps.accountNonce; the chain passes one
   * that shares its account read with `recheck`).
   * `touched`: the senders whose account the block changed (hex), when the caller knows them;
   * the others' nonce and balance are what they were, so their txs are not looked at again.
   * PERF: O(txs of the touched senders) account reads per block instead of O(pending txs).
   */
  update(
    committed: Iterable<MempoolTx | string>,
    recheck?: (tx: MempoolTx) => boolean,
    at?: Admission,
    synced = false,
    touched?: ReadonlySet<string>,
    nonceOf: (sender: string) => bigint = this.deps.accountNonce,
  ): void {
    if (at) {
      if (synced) for (const e of this.byHash.values()) e.at.height++; // one block per update
      this.lastHeight = at.height;
    }
    for (const c of committed) this.remove(typeof c === "string" ? c : c.hash);
    const visit = touched
      ? [...touched].filter((s) => this.senders.has(s)).map((s) => [s, this.senders.get(s)!] as const)
      : [...this.senders];
    for (const [sender, q] of visit) {
      const next = nonceOf(sender);
      for (const e of [...q.values()].sort((a, b) => (a.nonce < b.nonce ? -1 : 1))) {
        if (!q.has(e.nonce) || q.get(e.nonce) !== e) continue; // dropped with an earlier nonce
        if (e.nonce < next)
          this.removeEntry(e); // spent: by this block or an earlier one
        else if (recheck && !recheck(e)) this.dropWithDependents(e, "recheck");
      }
    }
    if (at && !synced) this.expire(at);
  }

  /**
   * Drops txs admitted more than ttlNumBlocks blocks or ttlDurationMs ago, each with the later
   * nonces of its sender. PERF: O(n) per block.
   */
  expire(now: Admission): number {
    const blocks = this.opts.ttlNumBlocks ?? 0;
    const ms = this.opts.ttlDurationMs ?? 0;
    if (blocks <= 0 && ms <= 0) return 0;
    const before = this.byHash.size;
    for (const e of [...this.byHash.values()]) {
      if (!this.byHash.has(e.hash)) continue;
      const old =
        (blocks > 0 && now.height - e.at.height >= blocks) || (ms > 0 && e.at.time > 0 && now.time - e.at.time >= ms);
      if (old) this.dropWithDependents(e, "ttl");
    }
    return before - this.byHash.size;
  }

  /** Every pending tx with its admission, in admission order (the mempool log is rewritten from it). */
  *admitted(): Generator<{ bytes: Uint8Array; at: Admission }> {
    for (const e of this.byHash.values()) yield { bytes: e.bytes, at: e.at };
  }

  /** Hashes of txs admitted at or before `time` (ms), oldest first, at most `max` (peers pull what they lack). */
  pendingSince(time: number, max: number): string[] {
    const out: string[] = [];
    for (const e of this.byHash.values()) {
      if (out.length >= max) break;
      if (e.at.time <= time) out.push(e.hash);
    }
    return out;
  }
}

/** m[k] += d, forgetting keys that drop to zero. */
function addTo(m: Map<string, bigint>, k: string, d: bigint): void {
  const v = (m.get(k) ?? 0n) + d;
  if (v === 0n) m.delete(k);
  else m.set(k, v);
}

/** Binary heap of indexes with an external "a before b" order. */
class IndexHeap {
  private readonly a: number[] = [];
  private readonly before: (x: number, y: number) => boolean;
  constructor(before: (x: number, y: number) => boolean) {
    this.before = before;
  }
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): number | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l], a[m])) m = l;
        if (r < a.length && this.before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
