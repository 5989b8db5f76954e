// Creating a node home: config.json, validator_key.json and genesis.json. Used by `strata init`
// and `strata devnet`.
import { mkdirSync, existsSync, readFileSync } from "node:fs";
import { homePaths, DEFAULT_CONFIG, type NodeConfig } from "./config.ts";
import { createValidatorKey, writeFileAtomic } from "./validatorKey.ts";

export type GenesisJson = {
  chainId: string;
  genesisTime: string;
  authority: string;
  params?: Record<string, unknown>;
  accounts: { address: string; balances: Record<string, string> }[];
  validators: { pubkey: string; power: string; moniker: string }[];
};

export function initHome(home: string, config: Partial<NodeConfig> & { moniker: string }): { pubkey: string } {
  const p = homePaths(home);
  if (existsSync(p.genesis) || existsSync(p.validatorKey))
    throw new Error(`${home} is already initialised (found genesis.json or validator_key.json)`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // verifyWorkers is left out so it follows the machine (cores − 1) unless the operator sets it
  const { verifyWorkers: _auto, ...rest } = { ...DEFAULT_CONFIG, ...config };
  const written = config.verifyWorkers === undefined ? rest : { ...rest, verifyWorkers: config.verifyWorkers };
  writeFileAtomic(p.config, JSON.stringify(written, null, 2) + "\n", 0o644);
  createValidatorKey(p.validatorKey);
  return { pubkey: (JSON.parse(readFileSync(p.validatorKey, "utf8")) as { pubkey: string }).pubkey };
}

export function writeGenesis(home: string, g: GenesisJson): void {
  writeFileAtomic(homePaths(home).genesis, JSON.stringify(g, null, 2) + "\n", 0o644);
}
