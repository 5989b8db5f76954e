// Withdrawal requests kept by id with a per-owner index (the lst and lrt queues): the records
// both modules need, declared once with the request schema and the two key prefixes.
import { ListBasicType, type Type } from "@chainsafe/ssz";
import { Uint64Num } from "../encoding/types.ts";
import { prefixed } from "../keys.ts";
import type { KVReader } from "./types.ts";
import type { Overlay } from "./overlay.ts";

export const IdList = new ListBasicType(Uint64Num, 1 << 16);

export type RequestBook<T> = {
  get(s: KVReader, id: number): T | undefined;
  /** stores the request; a new id is appended to its owner's list */
  set(s: Overlay, r: T): void;
  ownerIds(s: KVReader, owner: Uint8Array): number[];
};

const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};

export function requestBook<T extends { id: number; owner: Uint8Array }>(
  requestPrefix: Uint8Array,
  ownerPrefix: Uint8Array,
  schema: Type<T>,
): RequestBook<T> {
  const ownerIds = (s: KVReader, owner: Uint8Array): number[] => {
    const b = s.get(prefixed(ownerPrefix, owner));
    return b ? IdList.deserialize(b) : [];
  };
  return {
    get: (s, id) => {
      const b = s.get(prefixed(requestPrefix, u64(id)));
      return b ? schema.deserialize(b) : undefined;
    },
    set: (s, r) => {
      const key = prefixed(requestPrefix, u64(r.id));
      const isNew = !s.get(key);
      s.set(key, schema.serialize(r));
      if (isNew) s.set(prefixed(ownerPrefix, r.owner), IdList.serialize([...ownerIds(s, r.owner), r.id]));
    },
    ownerIds,
  };
}
