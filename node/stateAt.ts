// App queries at a past height. The queries are plain synchronous functions over a KVReader;
// versioned reads (node/stateHistory.ts) are LevelDB seeks, which are asynchronous. So a query
// runs against a reader that answers the keys already fetched for that height and, for any other
// key, notes it and answers the current value as a guess; the noted keys are fetched at the height
// and the query runs again, until a run reads only fetched keys. That run saw nothing but the
// state of the height, so its answer is exact; the guesses only steer which keys get fetched
// (a guess that equals the old value, the common case, costs nothing more). Usually 2 runs.
import { keyToString, type KVReader } from "../state/store/types.ts";

type Bytes = Uint8Array;

export interface VersionedReader extends KVReader {
  /** the value of `key` after block `height` (undefined = absent) */
  valueAt(key: Bytes, height: number): Promise<Bytes | undefined>;
}

/** Far more than any query's chain of dependent reads. */
const MAX_RUNS = 64;

export async function runAtHeight<T>(db: VersionedReader, height: number, run: (s: KVReader) => T): Promise<T> {
  const known = new Map<string, Bytes | null>();
  for (let i = 0; i < MAX_RUNS; i++) {
    const missed = new Map<string, Bytes>();
    const reader: KVReader = {
      get(key) {
        const k = keyToString(key);
        const v = known.get(k);
        if (v !== undefined) return v ?? undefined;
        missed.set(k, key);
        return db.get(key);
      },
    };
    let out: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      out = { ok: true, value: run(reader) };
    } catch (error) {
      out = { ok: false, error };
    }
    if (missed.size === 0) {
      if (!out.ok) throw out.error;
      return out.value;
    }
    const fetched = await Promise.all(
      [...missed].map(async ([k, key]) => [k, (await db.valueAt(key, height)) ?? null] as const),
    );
    for (const [k, v] of fetched) known.set(k, v);
  }
  throw new Error(`query at height ${height} did not settle after ${MAX_RUNS} runs`);
}
