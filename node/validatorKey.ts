// The validator's consensus key: <home>/validator_key.json, mode 0600. Never logged.
import { readFileSync, writeFileSync, existsSync, openSync, fsyncSync, closeSync, renameSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { publicKeyFromSeed, signMessage } from "../state/crypto/ed25519.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";

export type ValidatorKey = { pubkey: Uint8Array; address: Uint8Array; sign(msg: Uint8Array): Uint8Array };

export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data, { mode });
  const fd = openSync(tmp, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

export function createValidatorKey(path: string): void {
  if (existsSync(path)) throw new Error(`${path} already exists; refusing to overwrite a validator key`);
  const seed = randomBytes(32);
  const pubkey = publicKeyFromSeed(seed);
  writeFileAtomic(
    path,
    JSON.stringify({ pubkey: Buffer.from(pubkey).toString("hex"), seed: seed.toString("hex") }, null, 2) + "\n",
  );
}

/** The seed and public key of a validator key file, checked to belong together. */
export function loadValidatorSeed(path: string): { seed: Uint8Array; pubkey: Uint8Array } {
  if (!existsSync(path)) throw new Error(`validator key not found at ${path} (run \`strata init\` first)`);
  const j = JSON.parse(readFileSync(path, "utf8")) as { pubkey: string; seed: string };
  const seed = new Uint8Array(Buffer.from(j.seed, "hex"));
  const pubkey = publicKeyFromSeed(seed);
  if (Buffer.from(pubkey).toString("hex") !== j.pubkey.toLowerCase())
    throw new Error(`${path}: pubkey does not match seed`);
  return { seed, pubkey };
}

export function loadValidatorKey(path: string): ValidatorKey {
  const { seed, pubkey } = loadValidatorSeed(path);
  return { pubkey, address: addressFromPubkey(pubkey), sign: (msg) => signMessage(seed, msg) };
}
