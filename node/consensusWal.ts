// The consensus write-ahead log of one node (CometBFT consensus/wal.go): every proposal, vote and
// timeout is written before the core acts on it (the OS keeps it across a process crash) and
// fsync'd before any signature or lock that may depend on it leaves the node (group commit:
// under load an fsync took 2-17 ms here, and one per received vote delayed precommits enough to
// miss commits; CometBFT itself fsyncs only its own messages). It is replayed into the core when the
// node restarts at the same height, so a restarted validator knows what it knew (the prevotes of
// a proof-of-lock above all). One file, `data/cs.wal`, holding one height: it starts with a
// height record and is truncated when the next height begins (the block before it is durable in
// LevelDB by then, so nothing the WAL held is needed any more).
//
// Record framing: u32 length, u32 crc32 of the payload, payload (big endian). A crash can tear
// only the last record; it fails its length or checksum, is cut off on open, and the records
// before it are kept.
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { crc32 } from "node:zlib";
import { FatalError, FatalExit } from "./fatal.ts";
import { decodeWalMessage, encodeWalMessage, type WalMessage } from "../consensus/walMessage.ts";

const HEADER = 8;
/** a record longer than this is a torn or foreign length field, not a record */
const MAX_RECORD = 80 * 1024 * 1024;

/** A WAL write or fsync failed: the node must stop before it acts on what it could not record. */
function walWriteError(path: string, cause: Error): FatalError {
  return new FatalError(
    FatalExit.StorageIo,
    path,
    `cannot write the consensus WAL: ${cause.message}`,
    "free disk space or fix the disk, then restart the node",
    cause,
  );
}

export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, payload.length);
  dv.setUint32(4, crc32(payload));
  out.set(payload, HEADER);
  return out;
}

/** The valid records at the front of `buf`, and where they end (the rest is torn or garbage). */
export function readRecords(buf: Uint8Array): { payloads: Uint8Array[]; validBytes: number } {
  const payloads: Uint8Array[] = [];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + HEADER <= buf.length) {
    const len = dv.getUint32(off);
    if (len === 0 || len > MAX_RECORD || off + HEADER + len > buf.length) break;
    const payload = buf.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload) !== dv.getUint32(off + 4)) break;
    payloads.push(payload);
    off += HEADER + len;
  }
  return { payloads, validBytes: off };
}

export class ConsensusWal {
  readonly path: string;
  private fd: number;
  private size: number;
  private height: number | undefined;
  private recovered: WalMessage[];
  private dirty = false;
  /** bytes cut off the end on open (a torn last record), for the log */
  readonly tornBytes: number;

  private constructor(path: string, fd: number, size: number, recovered: WalMessage[], tornBytes: number) {
    this.path = path;
    this.fd = fd;
    this.size = size;
    this.recovered = recovered;
    this.tornBytes = tornBytes;
    const h = recovered[0];
    this.height = h?.kind === "height" ? h.height : undefined;
  }

  /** Opens (creating if absent) and reads what a previous run left; cuts off a torn tail. */
  static open(path: string): ConsensusWal {
    const buf = existsSync(path) ? new Uint8Array(readFileSync(path)) : new Uint8Array();
    const { payloads, validBytes } = readRecords(buf);
    const recovered: WalMessage[] = [];
    for (const p of payloads) {
      try {
        recovered.push(decodeWalMessage(p));
      } catch {
        break; // checksummed yet undecodable: written by another version; keep what came before
      }
    }
    let fd: number;
    try {
      fd = openSync(path, existsSync(path) ? "r+" : "w+", 0o600);
      if (validBytes < buf.length) {
        ftruncateSync(fd, validBytes);
        fsyncSync(fd);
      }
    } catch (e) {
      throw walWriteError(path, e as Error);
    }
    return new ConsensusWal(path, fd, validBytes, recovered, buf.length - validBytes);
  }

  /** What the previous run recorded at `height` (empty if it was at another height). */
  recoveredFor(height: number): WalMessage[] {
    if (this.height !== height) return [];
    return this.recovered.slice(1);
  }

  /** Begins `height`: keeps the records of a restart at the same height, else starts afresh. */
  startHeight(height: number): void {
    this.recovered = [];
    if (this.height === height) return;
    try {
      ftruncateSync(this.fd, 0);
      this.size = 0;
    } catch (e) {
      throw walWriteError(this.path, e as Error);
    }
    this.height = height;
    this.append({ kind: "height", height });
    this.sync();
  }

  /** Appends (written through to the OS, which keeps it if the process dies); see sync. */
  append(m: WalMessage): void {
    const rec = frameRecord(encodeWalMessage(m));
    try {
      let off = 0;
      while (off < rec.length) off += writeSync(this.fd, rec, off, rec.length - off, this.size + off);
    } catch (e) {
      throw walWriteError(this.path, e as Error);
    }
    this.size += rec.length;
    this.dirty = true;
  }

  /** fsyncs what was appended since the last sync: called before a signature or a lock leaves. */
  sync(): void {
    if (!this.dirty) return;
    try {
      fsyncSync(this.fd);
    } catch (e) {
      throw walWriteError(this.path, e as Error);
    }
    this.dirty = false;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}
