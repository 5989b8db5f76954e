// The mempool survives a crash: every admitted tx is appended to `data/mempool.log` before the
// caller hears "accepted", and a restarted node admits them again (re-checked against the state
// of then: those committed meanwhile fail their nonce and are gone). A kill -9 right after a
// broadcast_tx_sync answered code 0, before the tx was gossiped, no longer loses it (issue 15).
// Written without fsync: the OS keeps it across a process crash, which is what this is for; a
// power cut may lose the last txs, as a mempool without a log would lose all of them.
// The log is rewritten with the live mempool when mostly dead (committed or dropped txs).
// Record: u64 admission time (ms), u32 admission height, tx bytes; framed and checksummed as
// the consensus WAL's records, so a torn last record is cut off on open.
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync, fsyncSync } from "node:fs";
import { frameRecord, readRecords } from "./consensusWal.ts";
import { FatalError, FatalExit } from "./fatal.ts";
import type { Admission } from "./mempool.ts";

export type LoggedTx = { bytes: Uint8Array; at: Admission };

function encode(tx: LoggedTx): Uint8Array {
  const b = new Uint8Array(12 + tx.bytes.length);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, BigInt(tx.at.time));
  dv.setUint32(8, tx.at.height);
  b.set(tx.bytes, 12);
  return frameRecord(b);
}

function ioError(path: string, e: unknown): FatalError {
  return new FatalError(
    FatalExit.StorageIo,
    path,
    `cannot write the mempool log: ${(e as Error).message}`,
    "free disk space or fix the disk, then restart the node",
    e,
  );
}

export class MempoolLog {
  readonly path: string;
  private fd: number;
  private size = 0;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
  }

  /** Reads what a previous run admitted (in admission order) and opens the log for appending. */
  static open(path: string): { log: MempoolLog; txs: LoggedTx[] } {
    const txs: LoggedTx[] = [];
    if (existsSync(path)) {
      for (const p of readRecords(new Uint8Array(readFileSync(path))).payloads) {
        if (p.length < 12) continue;
        const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
        txs.push({ at: { time: Number(dv.getBigUint64(0)), height: dv.getUint32(8) }, bytes: p.slice(12) });
      }
    }
    let fd: number;
    try {
      fd = openSync(path, "a", 0o600); // the caller rewrites it with the txs it admits again
    } catch (e) {
      throw ioError(path, e);
    }
    const log = new MempoolLog(path, fd);
    log.size = existsSync(path) ? readFileSync(path).length : 0;
    return { log, txs };
  }

  get bytes(): number {
    return this.size;
  }

  /**
   * Queues `tx` for the log; the records queued in one run of the event loop's current job are
   * written together by a microtask, which runs before any continuation that could tell a caller
   * "accepted" (those are queued after it). A batch of gossiped or RPC txs is then one write
   * instead of one per tx. A failed write goes to `onError` (the node stops: storage fault).
   * PERF: one writeSync per job instead of per tx.
   */
  append(tx: LoggedTx): void {
    const rec = encode(tx);
    this.pending.push(rec);
    this.size += rec.length;
    if (this.pending.length === 1) queueMicrotask(() => this.flush());
  }

  private pending: Uint8Array[] = [];
  /** where a failed deferred write is reported (the chain stops the node) */
  onError: (e: FatalError) => void = (e) => {
    throw e;
  };

  /** Writes what append queued. */
  flush(): void {
    if (this.pending.length === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      this.onError(ioError(this.path, e));
    }
  }

  /** Replaces the log with `live` (write aside, fsync, rename): drops committed and dropped txs. */
  rewrite(live: Iterable<LoggedTx>): void {
    this.pending = []; // `live` holds them (the mempool's txs), written below
    const tmp = `${this.path}.tmp`;
    try {
      const fd = openSync(tmp, "w", 0o600);
      let size = 0;
      for (const tx of live) {
        const rec = encode(tx);
        let off = 0;
        while (off < rec.length) off += writeSync(fd, rec, off, rec.length - off);
        size += rec.length;
      }
      fsyncSync(fd);
      renameSync(tmp, this.path);
      closeSync(this.fd);
      this.fd = fd;
      this.size = size;
    } catch (e) {
      throw ioError(this.path, e);
    }
  }

  close(): void {
    this.flush();
    try {
      closeSync(this.fd);
    } catch {
      /* closed */
    }
  }
}
