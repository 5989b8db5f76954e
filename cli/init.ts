import type { Command } from "commander";
import { addressFromPubkey, encodeAddress } from "../state/crypto/address.ts";
import { initHome, writeGenesis } from "../node/homeSetup.ts";
import { DEFAULT_HOME } from "./output.ts";
import { parseAmount } from "../client/amount.ts";

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create a node home: config.json, validator key, and a single-validator genesis")
    .requiredOption("--chain-id <id>", "chain id, e.g. strata-local")
    .requiredOption("--moniker <name>", "human name of this node")
    .option("--home <dir>", "home directory", DEFAULT_HOME)
    .option("--fund <address=amount...>", "genesis balance, e.g. strata1...=1000000stra (repeatable)", [])
    .option("--power <n>", "voting power of this validator", "100")
    .action((o: { chainId: string; moniker: string; home: string; fund: string[]; power: string }) => {
      const { pubkey } = initHome(o.home, { moniker: o.moniker });
      const valAddr = encodeAddress(addressFromPubkey(new Uint8Array(Buffer.from(pubkey, "hex"))));
      const accounts = o.fund.map((f) => {
        const [address, amt] = f.split("=");
        if (!address || !amt) throw new Error(`--fund "${f}": expected <address>=<amount>`);
        const c = parseAmount(amt);
        return { address, balances: { [c.denom]: c.amount.toString() } };
      });
      writeGenesis(o.home, {
        chainId: o.chainId,
        genesisTime: new Date().toISOString(),
        authority: valAddr,
        accounts,
        validators: [{ pubkey, power: o.power, moniker: o.moniker }],
      });
      console.log(`initialised ${o.home}\nchain id:  ${o.chainId}\nvalidator: ${valAddr}\nstart with: strata start --home ${o.home}`);
    });
}
