import type { Command } from "commander";
import { join } from "node:path";
import { addKey, getKey, listKeys } from "../client/keyring.ts";
import { DEFAULT_HOME, print, table, type OutputFormat } from "./output.ts";

export function keyringDir(home: string): string {
  return join(home, "keys");
}

export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("manage the local test keyring (<home>/keys, unencrypted)");
  keys
    .command("add <name>")
    .description("create a new ed25519 key")
    .option("--home <dir>", "home directory", DEFAULT_HOME)
    .option("--output <format>", "json|text", "text")
    .action((name: string, o: { home: string; output: OutputFormat }) => {
      const k = addKey(keyringDir(o.home), name);
      print(o.output, { name: k.name, address: k.address, pubkey: Buffer.from(k.pubkey).toString("hex") }, () => `created key "${k.name}"\naddress: ${k.address}`);
    });
  keys
    .command("list")
    .description("list keys")
    .option("--home <dir>", "home directory", DEFAULT_HOME)
    .option("--output <format>", "json|text", "text")
    .action((o: { home: string; output: OutputFormat }) => {
      const ks = listKeys(keyringDir(o.home));
      print(o.output, ks.map((k) => ({ name: k.name, address: k.address })), () =>
        ks.length ? table([["NAME", "ADDRESS"], ...ks.map((k) => [k.name, k.address])]) : `no keys in ${keyringDir(o.home)}`,
      );
    });
  keys
    .command("show <nameOrAddress>")
    .description("show one key's address and public key")
    .option("--home <dir>", "home directory", DEFAULT_HOME)
    .option("--output <format>", "json|text", "text")
    .action((n: string, o: { home: string; output: OutputFormat }) => {
      const k = getKey(keyringDir(o.home), n);
      const pub = Buffer.from(k.pubkey).toString("hex");
      print(o.output, { name: k.name, address: k.address, pubkey: pub }, () => `name:    ${k.name}\naddress: ${k.address}\npubkey:  ${pub}`);
    });
}
