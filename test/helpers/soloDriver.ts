// A real single-validator consensus driver over a real LevelDB chain, with no network (its
// publishes go nowhere, it has no peers): for unit tests of what the driver does around a height.
import { join } from "node:path";
import { Chain, DEFAULT_MEMPOOL } from "#node/chain.ts";
import { ConsensusDriver, DEFAULT_DRIVER, type DriverOptions } from "#node/consensusDriver.ts";
import { createLogger } from "#node/logger.ts";
import { FilePrivval } from "#node/privval.ts";
import { ProposerSchedule } from "#node/proposerSchedule.ts";
import { parseGenesis } from "#state/genesis.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { testGenesisJson, testKey } from "#test/fixtures/memChain.ts";

/** Opens a chain in `dir` whose one validator is this node, and its driver (not started). */
export async function soloDriver(
  dir: string,
  opts: (d: DriverOptions) => DriverOptions,
): Promise<{ chain: Chain; driver: ConsensusDriver }> {
  const v = testKey(700);
  const g = testGenesisJson(1);
  g.validators = [{ pubkey: Buffer.from(v.pubkey).toString("hex"), power: "10", moniker: "solo" }];
  const chain = await Chain.open(dir, parseGenesis(g), new TextEncoder().encode(JSON.stringify(g)), {
    mempool: DEFAULT_MEMPOOL,
  });
  const key = { pubkey: v.pubkey, address: v.address, sign: (m: Uint8Array) => signMessage(v.seed, m) };
  const driver = new ConsensusDriver(
    chain,
    new FilePrivval(key, chain.chainId, join(dir, "sign_state.json")),
    { publish: async () => {}, request: async () => new Uint8Array(), peers: () => [] },
    ProposerSchedule.open(chain.validators(), chain.height + 1),
    opts(DEFAULT_DRIVER),
    createLogger({ name: "t", out: () => {} }),
  );
  return { chain, driver };
}
