// A typed single-key record: the getter/setter pair every module writes for its params and
// state, declared once with its schema and default.
import type { Type } from "@chainsafe/ssz";
import type { KVReader } from "./types.ts";
import type { Overlay } from "./overlay.ts";

export type Record<T> = { get(s: KVReader): T; set(s: Overlay, v: T): void };

export function record<T>(key: Uint8Array, schema: Type<T>, fallback: () => T): Record<T> {
  return {
    get: (s) => {
      const b = s.get(key);
      return b ? schema.deserialize(b) : fallback();
    },
    set: (s, v) => s.set(key, schema.serialize(v)),
  };
}
