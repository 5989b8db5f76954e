// A bounded read-through cache of committed values keyed by their raw key bytes. `null` records
// "absent" so a miss is not read from LevelDB twice. Past `max` entries it is dropped wholesale:
// cheaper than LRU bookkeeping on every read, and a block's working set refills it at once.
import { keyToString } from "../state/store/types.ts";

type Bytes = Uint8Array;

export class ReadCache<V> {
  private readonly map = new Map<string, V | null>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** The cached value of `key`, else `load(key)` remembered (PERF: one Map lookup on a hit). */
  get(key: Bytes, load: (key: Bytes) => V | null): V | undefined {
    return this.getKeyed(keyToString(key), key, load);
  }

  /** get, with `k` = keyToString(key), which the overlays above this cache already made. */
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
    for (const e of entries) this.map.set(keyToString(e.key), e.value);
  }
}
