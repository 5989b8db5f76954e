// Process lifecycle of one node: load home, open the chain, serve RPC, produce blocks, and shut
// down cleanly on SIGINT/SIGTERM (finish the block in flight, close LevelDB).
import { readFileSync, existsSync } from "node:fs";
import { parseGenesis } from "../state/genesis.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { StrataError } from "../state/errors.ts";
import { Chain } from "./chain.ts";
import { homePaths, loadConfig, type NodeConfig } from "./config.ts";
import { loadValidatorKey } from "./validatorKey.ts";
import { SoloProducer } from "./soloProducer.ts";
import { startRpcServer } from "../rpc/server.ts";
import { buildMethods } from "../rpc/methods.ts";
import { createLogger, type Logger } from "./logger.ts";

export type RunningNode = { chain: Chain; config: NodeConfig; stop(): Promise<void> };

export function loadGenesisFile(path: string) {
  if (!existsSync(path)) throw new Error(`genesis file not found: ${path} (run \`strata init\` first)`);
  const bytes = readFileSync(path);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return { genesis: parseGenesis(json), bytes: new Uint8Array(bytes) };
}

export async function startNode(home: string, log: Logger = createLogger({ name: "node" })): Promise<RunningNode> {
  const paths = homePaths(home);
  const config = loadConfig(home);
  const { genesis, bytes } = loadGenesisFile(paths.genesis);
  const key = loadValidatorKey(paths.validatorKey);
  const chain = await Chain.open(paths.data, genesis, bytes, { mempool: config.mempool });
  log.info("chain opened", { chainId: chain.chainId, height: chain.height, stateRoot: Buffer.from(chain.stateRoot).toString("hex").toUpperCase() });

  const rpcAddress = `${config.rpc.host}:${config.rpc.port}`;
  const rpc = await startRpcServer(buildMethods({ chain, moniker: config.moniker, rpcAddress, validatorPubkey: key.pubkey }), config.rpc);
  log.info("rpc listening", { url: `http://${rpcAddress}` });

  chain.on("block", (b) => {
    log.block({
      height: b.height,
      proposer: encodeAddress(b.header.proposer),
      txs: b.txs.length,
      failed: b.results.filter((r) => r.code !== 0).length,
      time: new Date(b.header.time).toISOString(),
      hash: Buffer.from(b.blockId).toString("hex").toUpperCase().slice(0, 12),
      commitMs: Math.round(b.commitMs),
    });
  });

  let stopping: Promise<void> | undefined;
  const producer = new SoloProducer(chain, key, {
    intervalMs: config.consensus.timeoutCommitMs,
    onError: (e) => {
      log.error("block production failed; stopping node", { err: e instanceof StrataError ? e.toString() : (e as Error)?.stack ?? String(e) });
      void stop().then(() => process.exit(1));
    },
  });
  producer.start();

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      await producer.stop();
      await rpc.close();
      await chain.close();
      log.info("stopped", { height: chain.height });
    })();
    return stopping;
  }
  return { chain, config, stop };
}
