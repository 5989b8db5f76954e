// The keyring: one JSON file per key in <dir>. Two backends, chosen per key when it is created:
//  - "file" (default): the seed encrypted with a passphrase (scrypt N=2^15, r=8, p=1 → AES-256-GCM);
//  - "test": the seed in clear, like Cosmos' `--keyring-backend test`, for devnets and scripts.
// Files are written atomically with mode 0600. Seeds export as hex or as a 24-word BIP39 mnemonic
// of the 32-byte seed itself.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
  renameSync,
  unlinkSync,
} from "node:fs";
import { join } from "node:path";
import { randomBytes, scryptSync, createCipheriv, createDecipheriv } from "node:crypto";
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { publicKeyFromSeed } from "../state/crypto/ed25519.ts";
import { addressFromPubkey, encodeAddress } from "../state/crypto/address.ts";

export type KeyInfo = { name: string; address: string; pubkey: Uint8Array; seed: Uint8Array };
export type KeyBackend = "file" | "test";
export type KeyringOptions = { backend?: KeyBackend; passphrase?: string };

type Encrypted = {
  kdf: "scrypt";
  N: number;
  r: number;
  p: number;
  salt: string;
  cipher: "aes-256-gcm";
  iv: string;
  ciphertext: string;
  tag: string;
};
type KeyFile = {
  name: string;
  address: string;
  pubkey: string;
  backend: KeyBackend;
  seed?: string;
  crypto?: Encrypted;
};

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const SCRYPT = { N: 1 << 15, r: 8, p: 1 };

export class KeyringError extends Error {}

function keyFromSeed(name: string, seed: Uint8Array): KeyInfo {
  const pubkey = publicKeyFromSeed(seed);
  return { name, address: encodeAddress(addressFromPubkey(pubkey)), pubkey, seed };
}

function encrypt(seed: Uint8Array, passphrase: string): Encrypted {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const k = scryptSync(passphrase, salt, 32, { ...SCRYPT, maxmem: 64 << 20 });
  const c = createCipheriv("aes-256-gcm", k, iv);
  const ciphertext = Buffer.concat([c.update(seed), c.final()]);
  return {
    kdf: "scrypt",
    ...SCRYPT,
    salt: salt.toString("hex"),
    cipher: "aes-256-gcm",
    iv: iv.toString("hex"),
    ciphertext: ciphertext.toString("hex"),
    tag: c.getAuthTag().toString("hex"),
  };
}

function decrypt(e: Encrypted, passphrase: string, name: string): Uint8Array {
  const k = scryptSync(passphrase, Buffer.from(e.salt, "hex"), 32, { N: e.N, r: e.r, p: e.p, maxmem: 256 << 20 });
  const d = createDecipheriv("aes-256-gcm", k, Buffer.from(e.iv, "hex"));
  d.setAuthTag(Buffer.from(e.tag, "hex"));
  try {
    return new Uint8Array(Buffer.concat([d.update(Buffer.from(e.ciphertext, "hex")), d.final()]));
  } catch {
    throw new KeyringError(`wrong passphrase for key "${name}"`);
  }
}

function save(dir: string, k: KeyInfo, opts: KeyringOptions): void {
  const backend = opts.backend ?? "file";
  if (backend === "file" && !opts.passphrase)
    throw new KeyringError(
      "a passphrase is required for the encrypted (file) keyring backend; set STRATA_PASSPHRASE or use --keyring-backend test",
    );
  if (backend === "file" && opts.passphrase!.length < 8)
    throw new KeyringError("passphrase must be at least 8 characters");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file: KeyFile = {
    name: k.name,
    address: k.address,
    pubkey: Buffer.from(k.pubkey).toString("hex"),
    backend,
    ...(backend === "test"
      ? { seed: Buffer.from(k.seed).toString("hex") }
      : { crypto: encrypt(k.seed, opts.passphrase!) }),
  };
  const path = join(dir, `${k.name}.json`);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
  const fd = openSync(tmp, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

function checkNewName(dir: string, name: string): void {
  if (!NAME.test(name)) throw new KeyringError(`invalid key name "${name}": use 1-64 of [a-zA-Z0-9_-]`);
  if (existsSync(join(dir, `${name}.json`))) throw new KeyringError(`key "${name}" already exists in ${dir}`);
}

export function addKey(
  dir: string,
  name: string,
  opts: KeyringOptions = { backend: "test" },
): KeyInfo & { mnemonic: string } {
  checkNewName(dir, name);
  const k = keyFromSeed(name, new Uint8Array(randomBytes(32)));
  save(dir, k, opts);
  return { ...k, mnemonic: entropyToMnemonic(k.seed, wordlist) };
}

/** Imports a 64-hex-char seed or a 24-word mnemonic. */
export function importKey(
  dir: string,
  name: string,
  secret: string,
  opts: KeyringOptions = { backend: "test" },
): KeyInfo {
  checkNewName(dir, name);
  const s = secret.trim();
  let seed: Uint8Array;
  if (/^[0-9a-fA-F]{64}$/.test(s)) seed = new Uint8Array(Buffer.from(s, "hex"));
  else if (validateMnemonic(s.toLowerCase().split(/\s+/).join(" "), wordlist)) {
    seed = mnemonicToEntropy(s.toLowerCase().split(/\s+/).join(" "), wordlist);
    if (seed.length !== 32) throw new KeyringError("mnemonic must have 24 words (a 32-byte seed)");
  } else throw new KeyringError("secret must be 32 bytes of hex or a valid 24-word BIP39 mnemonic");
  const k = keyFromSeed(name, seed);
  save(dir, k, opts);
  return k;
}

type Entry = { name: string; address: string; pubkey: Uint8Array; file: KeyFile };

function readEntry(dir: string, f: string): Entry {
  const file = JSON.parse(readFileSync(join(dir, f), "utf8")) as KeyFile;
  return { name: file.name, address: file.address, pubkey: new Uint8Array(Buffer.from(file.pubkey, "hex")), file };
}

/** Names and addresses only: listing never needs a passphrase. */
export function listKeys(dir: string): { name: string; address: string; pubkey: Uint8Array; backend: KeyBackend }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => readEntry(dir, f))
    .map((e) => ({ name: e.name, address: e.address, pubkey: e.pubkey, backend: e.file.backend ?? "test" }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The key with its seed; encrypted keys need the passphrase. */
export function getKey(dir: string, nameOrAddress: string, passphrase?: string): KeyInfo {
  const meta = listKeys(dir).find((k) => k.name === nameOrAddress || k.address === nameOrAddress);
  if (!meta) throw new KeyringError(`key "${nameOrAddress}" not found in ${dir}`);
  const e = readEntry(dir, `${meta.name}.json`);
  let seed: Uint8Array;
  if (e.file.seed) seed = new Uint8Array(Buffer.from(e.file.seed, "hex"));
  else {
    if (!passphrase)
      throw new KeyringError(`key "${meta.name}" is encrypted: set STRATA_PASSPHRASE (or enter it when asked)`);
    seed = decrypt(e.file.crypto!, passphrase, meta.name);
  }
  const k = keyFromSeed(e.name, seed);
  if (k.address !== e.address)
    throw new KeyringError(`key file ${join(dir, `${e.name}.json`)} is corrupt: address does not match seed`);
  return k;
}

export function isEncrypted(dir: string, nameOrAddress: string): boolean {
  return listKeys(dir).find((k) => k.name === nameOrAddress || k.address === nameOrAddress)?.backend === "file";
}

export function exportKey(dir: string, name: string, format: "hex" | "mnemonic" = "hex", passphrase?: string): string {
  const seed = getKey(dir, name, passphrase).seed;
  return format === "hex" ? Buffer.from(seed).toString("hex") : entropyToMnemonic(seed, wordlist);
}

/**
 * Deletes a key for good. An encrypted key is deleted only with its passphrase (whoever deletes
 * it could also have used it); the caller asks the user to confirm.
 */
export function deleteKey(dir: string, name: string, passphrase?: string): { name: string; address: string } {
  const meta = listKeys(dir).find((k) => k.name === name || k.address === name);
  if (!meta) throw new KeyringError(`key "${name}" not found in ${dir}`);
  if (meta.backend === "file") getKey(dir, meta.name, passphrase); // throws on a wrong passphrase
  unlinkSync(join(dir, `${meta.name}.json`));
  return { name: meta.name, address: meta.address };
}
