import { describe, expect, it } from "vitest";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addKey, exportKey, getKey, importKey, listKeys } from "../../../client/keyring.ts";
import { publicKeyFromSeed } from "../../../state/crypto/ed25519.ts";

describe("keyring", () => {
  it("adds, lists, shows, exports and re-imports keys; files are 0600", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "kr-")), "keys");
    const b = addKey(dir, "bob");
    const a = addKey(dir, "alice");
    expect(listKeys(dir).map((k) => k.name)).toEqual(["alice", "bob"]);
    expect(getKey(dir, "bob").address).toBe(b.address);
    expect(getKey(dir, a.address).name).toBe("alice");
    expect(statSync(join(dir, "alice.json")).mode & 0o777).toBe(0o600);
    const seed = exportKey(dir, "alice");
    const c = importKey(dir, "carol", seed);
    expect(c.address).toBe(a.address);
    expect(c.pubkey).toEqual(publicKeyFromSeed(a.seed));
  });
  it("refuses duplicate or invalid names and reports missing keys with the directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "kr-"));
    addKey(dir, "x");
    expect(() => addKey(dir, "x")).toThrow(/already exists/);
    expect(() => addKey(dir, "../evil")).toThrow(/invalid key name/);
    expect(() => getKey(dir, "nobody")).toThrow(new RegExp(`not found in ${dir}`));
    expect(() => importKey(dir, "y", "zz")).toThrow(/hex/);
  });
});
