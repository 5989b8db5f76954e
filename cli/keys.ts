import type { Command } from "commander";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import {
  addKey,
  deleteKey,
  exportKey,
  getKey,
  importKey,
  isEncrypted,
  listKeys,
  type KeyBackend,
  type KeyInfo,
} from "../client/keyring.ts";
import { DEFAULT_HOME, print, table, type OutputFormat } from "./output.ts";
import { readPassphrase } from "./passphrase.ts";
import { homePaths } from "../node/config.ts";
import { loadValidatorSeed } from "../node/validatorKey.ts";
import { addressFromPubkey, encodeAddress } from "../state/crypto/address.ts";

export function keyringDir(home: string): string {
  return join(home, "keys");
}

/** A key with its seed, asking for the passphrase only if the key is encrypted. */
/** The --from value that signs with <home>/validator_key.json instead of a keyring key. */
export const VALIDATOR_KEY_SIGNER = "@validator-key";

export async function loadSigningKey(home: string, nameOrAddress: string): Promise<KeyInfo> {
  if (nameOrAddress === VALIDATOR_KEY_SIGNER) {
    const { seed, pubkey } = loadValidatorSeed(homePaths(home).validatorKey);
    return { name: "validator key", address: encodeAddress(addressFromPubkey(pubkey)), pubkey, seed };
  }
  const dir = keyringDir(home);
  const pass = isEncrypted(dir, nameOrAddress) ? await readPassphrase(`passphrase for ${nameOrAddress}: `) : undefined;
  return getKey(dir, nameOrAddress, pass);
}

type KOpts = { home: string; output: OutputFormat; keyringBackend: KeyBackend };

function backendOpt(c: Command): Command {
  return c.option("--keyring-backend <backend>", "file (encrypted with a passphrase) | test (unencrypted)", "file");
}

async function keyringOptions(o: KOpts) {
  if (o.keyringBackend !== "file" && o.keyringBackend !== "test")
    throw new Error(`--keyring-backend must be file or test, got ${o.keyringBackend}`);
  return o.keyringBackend === "file"
    ? { backend: "file" as const, passphrase: await readPassphrase("new passphrase (≥ 8 characters): ", true) }
    : { backend: "test" as const };
}

export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("manage keys in <home>/keys");
  const common = (c: Command) =>
    c.option("--home <dir>", "home directory", DEFAULT_HOME).option("--output <format>", "json|text", "text");
  backendOpt(
    common(keys.command("add <name>").description("create a new ed25519 key (prints its 24-word mnemonic once)")),
  ).action(async (name: string, o: KOpts) => {
    const k = addKey(keyringDir(o.home), name, await keyringOptions(o));
    print(
      o.output,
      { name: k.name, address: k.address, pubkey: Buffer.from(k.pubkey).toString("hex"), mnemonic: k.mnemonic },
      () =>
        `created key "${k.name}" (${o.keyringBackend})\naddress:  ${k.address}\nmnemonic: ${k.mnemonic}\nwrite the mnemonic down: it is the only way to recover this key`,
    );
  });
  common(keys.command("list").description("list keys")).action((o: KOpts) => {
    const ks = listKeys(keyringDir(o.home));
    print(
      o.output,
      ks.map((k) => ({ name: k.name, address: k.address, backend: k.backend })),
      () =>
        ks.length
          ? table([["NAME", "ADDRESS", "BACKEND"], ...ks.map((k) => [k.name, k.address, k.backend])])
          : `no keys in ${keyringDir(o.home)}`,
    );
  });
  common(
    keys
      .command("show <nameOrAddress>")
      .description("show one key's address and public key")
      .option("-a, --address", "print the address only (for scripts: OP=$(strata keys show operator -a))"),
  ).action((n: string, o: KOpts & { address?: boolean }) => {
    const k = listKeys(keyringDir(o.home)).find((k) => k.name === n || k.address === n);
    if (!k) throw new Error(`key "${n}" not found in ${keyringDir(o.home)}`);
    const pub = Buffer.from(k.pubkey).toString("hex");
    if (o.address) return void console.log(k.address);
    print(
      o.output,
      { name: k.name, address: k.address, pubkey: pub, backend: k.backend },
      () => `name:    ${k.name}\naddress: ${k.address}\npubkey:  ${pub}\nbackend: ${k.backend}`,
    );
  });
  common(keys.command("export <name>").description("print a key's secret (hex seed or 24-word mnemonic)"))
    .option("--format <format>", "hex|mnemonic", "mnemonic")
    .action(async (n: string, o: KOpts & { format: "hex" | "mnemonic" }) => {
      const dir = keyringDir(o.home);
      const pass = isEncrypted(dir, n) ? await readPassphrase(`passphrase for ${n}: `) : undefined;
      console.log(exportKey(dir, n, o.format, pass));
    });
  common(keys.command("delete <name>").description("delete a key for good (export it first if you may need it again)"))
    .option("--yes", "confirm: the key file is removed and cannot be recovered without its secret")
    .action(async (n: string, o: KOpts & { yes?: boolean }) => {
      if (!o.yes)
        throw new Error(
          `deleting "${n}" cannot be undone: back it up with \`strata keys export ${n}\`, then pass --yes`,
        );
      const dir = keyringDir(o.home);
      const pass = isEncrypted(dir, n) ? await readPassphrase(`passphrase for ${n}: `) : undefined;
      const k = deleteKey(dir, n, pass);
      print(o.output, { deleted: k.name, address: k.address }, () => `deleted key "${k.name}" (${k.address})`);
    });
  backendOpt(
    common(
      keys
        .command("import <name> [secretFile]")
        .description("import a hex seed or 24-word mnemonic from a file (or stdin if omitted)"),
    ),
  ).action(async (n: string, file: string | undefined, o: KOpts) => {
    const secret = readFileSync(file ?? 0, "utf8");
    const k = importKey(keyringDir(o.home), n, secret, await keyringOptions(o));
    print(o.output, { name: k.name, address: k.address }, () => `imported key "${k.name}"\naddress: ${k.address}`);
  });
}
