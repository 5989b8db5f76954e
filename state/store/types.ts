/** Read side of a key/value store: LevelDB (node/), an overlay, or memory (tests). */
export interface KVReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /**
   * get, given the key's string form as well (keyToString(key)): a tx's overlay, the block's
   * overlay and the node's read cache all key Maps by it, so a read converts the key once.
   */
  getKeyed?(k: string, key: Uint8Array): Uint8Array | undefined;
}

/** A reader that can also list the entries under a prefix (in byte order): the invariants use it. */
export interface KVScanner extends KVReader {
  scan(prefix: Uint8Array): Iterable<[Uint8Array, Uint8Array]>;
}

/** Keys are kept as latin1 strings inside Maps: a 1:1, allocation-cheap mapping of bytes. */
export function keyToString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("latin1");
}

export function stringToKey(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "latin1"));
}

/** A changed entry: value `null` means deleted. */
export type Change = { key: Uint8Array; value: Uint8Array | null };
