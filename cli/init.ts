import type { Command } from "commander";
import { copyFileSync } from "node:fs";
import { addressFromPubkey, encodeAddress } from "../state/crypto/address.ts";
import { initHome, writeGenesis } from "../node/homeSetup.ts";
import { DEFAULT_CONFIG, homePaths } from "../node/config.ts";
import { DEFAULT_HOME } from "./output.ts";
import { parseAmount } from "../client/amount.ts";
import { loadGenesisFile } from "./runNode.ts";

type InitOpts = {
  chainId?: string;
  moniker: string;
  home: string;
  fund: string[];
  power: string;
  genesis?: string;
  peers?: string;
  p2pPort?: string;
  rpcPort?: string;
};

function port(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${flag} "${v}": expected a port number 1-65535`);
  return n;
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description(
      "create a node home: config.json, validator key, and a genesis (a new single-validator chain, or --genesis to join a network)",
    )
    .option("--chain-id <id>", "chain id of a new chain, e.g. strata-local (not with --genesis)")
    .requiredOption("--moniker <name>", "human name of this node")
    .option("--home <dir>", "home directory", DEFAULT_HOME)
    .option("--genesis <file>", "join a network: use its genesis.json instead of creating a chain")
    .option("--peers <multiaddrs>", "comma-separated peers to dial, e.g. /ip4/1.2.3.4/tcp/26656/p2p/12D3…")
    .option("--p2p-port <port>", "libp2p port", String(DEFAULT_CONFIG.p2p.port))
    .option("--rpc-port <port>", "JSON-RPC port", String(DEFAULT_CONFIG.rpc.port))
    .option(
      "--fund <address=amount...>",
      "genesis balance of a new chain, e.g. strata1...=1000000stra (repeatable)",
      [],
    )
    .option("--power <n>", "voting power of this validator in a new chain", "100")
    .action((o: InitOpts) => {
      if (!o.genesis && !o.chainId)
        throw new Error("pass --chain-id <id> to create a new chain, or --genesis <file> to join one");
      if (o.genesis && o.chainId) throw new Error("--chain-id is the genesis file's with --genesis: pass one of them");
      // a bad genesis file is refused before anything is written
      const joined = o.genesis ? loadGenesisFile(o.genesis).genesis : undefined;
      const bootstrap = (o.peers ?? "")
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean);
      const { pubkey } = initHome(o.home, {
        moniker: o.moniker,
        p2p: { ...DEFAULT_CONFIG.p2p, port: port(o.p2pPort, "--p2p-port", DEFAULT_CONFIG.p2p.port), bootstrap },
        rpc: { ...DEFAULT_CONFIG.rpc, port: port(o.rpcPort, "--rpc-port", DEFAULT_CONFIG.rpc.port) },
      });
      const valAddr = encodeAddress(addressFromPubkey(new Uint8Array(Buffer.from(pubkey, "hex"))));
      if (o.genesis) copyFileSync(o.genesis, homePaths(o.home).genesis);
      else {
        const accounts = o.fund.map((f) => {
          const [address, amt] = f.split("=");
          if (!address || !amt) throw new Error(`--fund "${f}": expected <address>=<amount>`);
          const c = parseAmount(amt);
          return { address, balances: { [c.denom]: c.amount.toString() } };
        });
        writeGenesis(o.home, {
          chainId: o.chainId!,
          genesisTime: new Date().toISOString(),
          authority: valAddr,
          accounts,
          validators: [{ pubkey, power: o.power, moniker: o.moniker }],
        });
      }
      console.log(
        [
          `initialised ${o.home}`,
          `chain id:         ${joined?.chainId ?? o.chainId}`,
          `consensus pubkey: ${pubkey}`,
          joined
            ? `validator:        not yet: send create-validator with --pubkey ${homePaths(o.home).validatorKey}`
            : `validator:        ${valAddr}`,
          `start with:       strata start --home ${o.home}`,
        ].join("\n"),
      );
    });
}
