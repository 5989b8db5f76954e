// The SHA-256 behind every SSZ hash tree root (block ids, tx lists, commits, validator sets).
// @chainsafe/ssz defaults to noble's pure-JS SHA-256; hashtree (native, SIMD, shipped prebuilt in
// its npm package) computes the same digests about 6× faster, as-sha256 (WebAssembly) about 3×.
// SHA-256 is SHA-256: the choice changes speed, never a root (test/unit/state/encoding/hasher.test.ts).
// The first that loads on this platform wins, so a platform without the native build still runs.
import { setHasher } from "@chainsafe/persistent-merkle-tree";

export type HasherName = "hashtree" | "as-sha256" | "noble";

async function pick(): Promise<HasherName> {
  try {
    setHasher((await import("@chainsafe/persistent-merkle-tree/hasher/hashtree")).hasher);
    return "hashtree";
  } catch {
    try {
      setHasher((await import("@chainsafe/persistent-merkle-tree/hasher/as-sha256")).hasher);
      return "as-sha256";
    } catch {
      return "noble";
    }
  }
}

/** which implementation hashes SSZ in this process */
export const SSZ_HASHER: HasherName = await pick();
