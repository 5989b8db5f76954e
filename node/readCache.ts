// A bounded read-through cache of committed values keyed by their raw key bytes. `null` records
// "absent" so a miss is not read from LevelDB twice. Past `max` entries it is dropped wholesale:
// cheaper than LRU bookkeeping on every read, and a block's working set refills it at once.
type Bytes = Uint8Array;

const keyOf = (k: Bytes): string => Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString("latin1");

export class ReadCache<V> {
  private readonly map = new Map<string, V | null>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** The cached value of `key`, else `load(key)` remembered (PERF: one Map lookup on a hit). */
  get(key: Bytes, load: (key: Bytes) => V | null): V | undefined {
    return this.getKeyed(keyOf(key), key, load);
  }

  /** get, with `k` = the key's latin1 string (store/types.ts keyToString: the same mapping). */
  getKeyed(k: string, key: Bytes, load: (key: Bytes) => V | null): V | undefined {
    const hit = this.map.get(k);
    if (hit !== undefined) return hit ?? undefined;
    const v = load(key);
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(k, v);
    return v ?? undefined;
  }

  /** Records values just made durable (a committed block's writes). */
  setAll(entries: readonly { key: Bytes; value: V | null }[]): void {
    if (this.map.size + entries.length > this.max) this.map.clear();
    for (const e of entries) this.map.set(keyOf(e.key), e.value);
  }
}
