// A file-based test keyring (like Cosmos' `--keyring-backend test`): unencrypted seeds in
// <dir>/<name>.json, mode 0600. Meant for devnets and scripts, not for real funds.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, openSync, fsyncSync, closeSync, renameSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { publicKeyFromSeed } from "../state/crypto/ed25519.ts";
import { addressFromPubkey, encodeAddress } from "../state/crypto/address.ts";

export type KeyInfo = { name: string; address: string; pubkey: Uint8Array; seed: Uint8Array };

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function keyFromSeed(name: string, seed: Uint8Array): KeyInfo {
  const pubkey = publicKeyFromSeed(seed);
  return { name, address: encodeAddress(addressFromPubkey(pubkey)), pubkey, seed };
}

function save(dir: string, k: KeyInfo): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${k.name}.json`);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ name: k.name, address: k.address, pubkey: Buffer.from(k.pubkey).toString("hex"), seed: Buffer.from(k.seed).toString("hex") }, null, 2) + "\n", { mode: 0o600 });
  const fd = openSync(tmp, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

function checkNewName(dir: string, name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid key name "${name}": use 1-64 of [a-zA-Z0-9_-]`);
  if (existsSync(join(dir, `${name}.json`))) throw new Error(`key "${name}" already exists in ${dir}`);
}

export function addKey(dir: string, name: string): KeyInfo {
  checkNewName(dir, name);
  const k = keyFromSeed(name, new Uint8Array(randomBytes(32)));
  save(dir, k);
  return k;
}

export function importKey(dir: string, name: string, seedHex: string): KeyInfo {
  checkNewName(dir, name);
  if (!/^[0-9a-fA-F]{64}$/.test(seedHex)) throw new Error("seed must be 32 bytes of hex");
  const k = keyFromSeed(name, new Uint8Array(Buffer.from(seedHex, "hex")));
  save(dir, k);
  return k;
}

function load(dir: string, file: string): KeyInfo {
  const j = JSON.parse(readFileSync(join(dir, file), "utf8")) as { name: string; seed: string; address: string };
  const k = keyFromSeed(j.name, new Uint8Array(Buffer.from(j.seed, "hex")));
  if (k.address !== j.address) throw new Error(`key file ${join(dir, file)} is corrupt: address does not match seed`);
  return k;
}

export function listKeys(dir: string): KeyInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => load(dir, f))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function getKey(dir: string, nameOrAddress: string): KeyInfo {
  const k = listKeys(dir).find((k) => k.name === nameOrAddress || k.address === nameOrAddress);
  if (!k) throw new Error(`key "${nameOrAddress}" not found in ${dir}`);
  return k;
}

export function exportKey(dir: string, name: string): string {
  return Buffer.from(getKey(dir, name).seed).toString("hex");
}
