import { keyToString, stringToKey, type Change, type KVReader, type KVScanner } from "./types.ts";

/**
 * A write overlay over a reader: the block's pending writes, or a tx's writes on top of the
 * block's. Nothing reaches the parent until `flushToParent()`, so dropping an overlay is a
 * revert. PERF: get is one Map lookup plus, on a miss, one parent read.
 */
export class Overlay implements KVReader {
  private readonly writes = new Map<string, Uint8Array | null>();
  private readonly parent: KVReader;

  constructor(parent: KVReader) {
    this.parent = parent;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(keyToString(key), key);
  }

  /** PERF: the key is converted to its string form once for the whole chain of overlays. */
  getKeyed(k: string, key: Uint8Array): Uint8Array | undefined {
    const w = this.writes.get(k);
    if (w !== undefined) return w ?? undefined;
    const p = this.parent;
    return p.getKeyed ? p.getKeyed(k, key) : p.get(key);
  }

  has(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const k = keyToString(key);
    this.writes.set(k, value);
  }

  del(key: Uint8Array): void {
    const k = keyToString(key);
    this.writes.set(k, null);
  }

  /** A child overlay: the unit of atomicity for one tx's messages. */
  child(): Overlay {
    return new Overlay(this);
  }

  /** Apply this overlay's writes to its parent overlay (commit a tx into the block). */
  flushToParent(): void {
    if (!(this.parent instanceof Overlay)) throw new Error("flushToParent: parent is not an overlay");
    for (const [k, v] of this.writes) this.parent.writes.set(k, v);
    this.writes.clear();
  }

  /** Every changed key in byte order, for the commitment and the block's write batch. */
  changes(): Change[] {
    const keys = [...this.writes.keys()].sort();
    return keys.map((k) => ({ key: stringToKey(k), value: this.writes.get(k) ?? null }));
  }

  get size(): number {
    return this.writes.size;
  }
}

/** In-memory base store: the genesis builder and unit tests use it in place of LevelDB. */
export class MemoryStore implements KVScanner {
  readonly map = new Map<string, Uint8Array>();
  /** PERF: O(all keys) per call (sorts the matches): for invariants and tests, not block execution. */
  *scan(prefix: Uint8Array): Iterable<[Uint8Array, Uint8Array]> {
    const p = keyToString(prefix);
    const keys = [...this.map.keys()].filter((k) => k.startsWith(p)).sort();
    for (const k of keys) yield [stringToKey(k), this.map.get(k)!];
  }
  get(key: Uint8Array): Uint8Array | undefined {
    return this.map.get(keyToString(key));
  }
  apply(changes: Change[]): void {
    for (const c of changes) {
      if (c.value === null) this.map.delete(keyToString(c.key));
      else this.map.set(keyToString(c.key), c.value);
    }
  }
}
