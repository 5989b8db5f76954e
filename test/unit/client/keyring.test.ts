import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addKey, deleteKey, exportKey, getKey, importKey, listKeys } from "#client/keyring.ts";

const dirOf = () => join(mkdtempSync(join(tmpdir(), "kr-")), "keys");

describe("keyring", () => {
  it("test backend: adds, lists, shows, exports and re-imports keys; files are 0600", () => {
    const dir = dirOf();
    const b = addKey(dir, "bob");
    const a = addKey(dir, "alice");
    expect(listKeys(dir).map((k) => k.name)).toEqual(["alice", "bob"]);
    expect(getKey(dir, "bob").address).toBe(b.address);
    expect(getKey(dir, a.address).name).toBe("alice");
    expect(statSync(join(dir, "alice.json")).mode & 0o777).toBe(0o600);
    expect(importKey(dir, "carol", exportKey(dir, "alice")).address).toBe(a.address);
    expect(importKey(dir, "dave", exportKey(dir, "alice", "mnemonic")).address).toBe(a.address);
    expect(a.mnemonic.split(" ")).toHaveLength(24);
  });

  it("file backend: the seed is encrypted at rest and needs the right passphrase", () => {
    const dir = dirOf();
    const k = addKey(dir, "sec", { backend: "file", passphrase: "correct horse" });
    const raw = readFileSync(join(dir, "sec.json"), "utf8");
    expect(raw).not.toContain(Buffer.from(k.seed).toString("hex"));
    expect(raw).toContain("aes-256-gcm");
    expect(listKeys(dir)[0]).toMatchObject({ name: "sec", address: k.address, backend: "file" });
    expect(() => getKey(dir, "sec")).toThrow(/encrypted/);
    expect(() => getKey(dir, "sec", "wrong horse")).toThrow(/wrong passphrase/);
    expect(getKey(dir, "sec", "correct horse").seed).toEqual(k.seed);
    expect(() => addKey(dir, "weak", { backend: "file", passphrase: "short" })).toThrow(/at least 8/);
    expect(() => addKey(dir, "none", { backend: "file" })).toThrow(/passphrase is required/);
  });

  it("refuses duplicate or invalid names, bad secrets, and reports missing keys with the directory", () => {
    const dir = dirOf();
    addKey(dir, "x");
    expect(() => addKey(dir, "x")).toThrow(/already exists/);
    expect(() => addKey(dir, "../evil")).toThrow(/invalid key name/);
    expect(() => getKey(dir, "nobody")).toThrow(new RegExp(`not found in ${dir}`));
    expect(() => importKey(dir, "y", "zz")).toThrow(/hex or a valid 24-word/);
    expect(() => importKey(dir, "y", "abandon ".repeat(23) + "wrong")).toThrow(/hex or a valid 24-word/);
  });

  it("deletes a key; an encrypted one only with its passphrase", () => {
    const dir = dirOf();
    addKey(dir, "plain");
    addKey(dir, "sec", { backend: "file", passphrase: "correct horse" });
    expect(deleteKey(dir, "plain").name).toBe("plain");
    expect(() => getKey(dir, "plain")).toThrow(/not found/);
    expect(() => deleteKey(dir, "sec", "wrong horse")).toThrow(/wrong passphrase/);
    expect(listKeys(dir).map((k) => k.name)).toEqual(["sec"]);
    deleteKey(dir, "sec", "correct horse");
    expect(listKeys(dir)).toEqual([]);
    expect(() => deleteKey(dir, "sec")).toThrow(/not found/);
  });
});
