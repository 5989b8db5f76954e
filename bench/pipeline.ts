// bench:pipeline — one node's CPU per tx through its whole tx pipeline, in one process, without
// the network: admission (half as RPC txs, half as gossiped batches through the tx topic's
// validator), then propose (reap, execute, state root) and commit (LevelDB batch, tx records,
// mempool refresh), block after block. Measured in CPU time (process.cpuUsage), so a machine that
// others load as well gives the same figure; printed beside the cost of the ed25519 verify every
// tx needs, measured the same way. Prints one JSON object.
//   node bench/pipeline.ts [--accounts 3000] [--blocks 6] [--block-txs 3000] [--backlog 3]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BlockIdFlag } from "../state/encoding/types.ts";
import { Chain, DEFAULT_MEMPOOL } from "../node/chain.ts";
import * as batchValidity from "../node/txBatchValidity.ts";
import { TxBatchMsg } from "../node/wire.ts";
import { parseGenesis } from "../state/genesis.ts";
import { ONE } from "../state/denoms.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import { testGenesisJson, testKey, send } from "../test/fixtures/memChain.ts";
import { ed25519Ceiling } from "./ceiling.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "3000" },
    blocks: { type: "string", default: "6" },
    "block-txs": { type: "string", default: "3000" },
    backlog: { type: "string", default: "3" },
  },
});
const ACCOUNTS = Number(values.accounts);
const BLOCKS = Number(values.blocks);
const PER_BLOCK = Number(values["block-txs"]);
/** blocks' worth of txs pending before the first block, as under a flood (the mempool re-checks them after each block) */
const BACKLOG = Number(values.backlog);

const cpuMs = (f: () => void): number => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const cpuMsAsync = async (f: () => Promise<unknown>): Promise<number> => {
  const c0 = process.cpuUsage();
  await f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

async function main() {
  const verifyRate = ed25519Ceiling();
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-pipeline-"));
  const g = testGenesisJson(ACCOUNTS, 1_000n * ONE);
  // txs as big as a block can take by gas, and the proposer's own key as the one validator
  const chain = await Chain.open(dir, parseGenesis(g), new TextEncoder().encode(JSON.stringify(g)), {
    mempool: { ...DEFAULT_MEMPOOL, maxPendingBlocks: 0 },
    mempoolLogPath: join(dir, "mempool.log"),
  });
  const proposer = addressFromPubkey(testKey(10_000).pubkey);
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => testKey(i));
  const nonces = new Array<bigint>(ACCOUNTS).fill(0n);
  let next = 0;
  const sign = (n: number) =>
    Array.from({ length: n }, () => {
      const s = next++ % ACCOUNTS;
      return send(keys[s]!, keys[(s + 1) % ACCOUNTS]!.address, 1n, nonces[s]!++);
    });
  const decodeBatch = (data: Uint8Array) => {
    // the code of the day: one decode shared with the mempool, or a verdict and a second decode
    const m = batchValidity as {
      decodeTxBatch?: (d: Uint8Array, c: string) => unknown[] | undefined;
      txBatchVerdict: (d: Uint8Array, c: string) => string;
    };
    return m.decodeTxBatch
      ? m.decodeTxBatch(data, chain.chainId)
      : m.txBatchVerdict(data, chain.chainId) === "accept"
        ? TxBatchMsg.deserialize(data).txs
        : undefined;
  };
  const ms = { rpcAdmission: 0, gossipAdmission: 0, propose: 0, commit: 0 };
  let txs = 0;
  const admitted = { rpc: 0, gossip: 0 };
  try {
    for (const t of sign(BACKLOG * PER_BLOCK)) chain.checkTx(t);
    for (let b = 0; b < BLOCKS; b++) {
      const raw = sign(PER_BLOCK);
      const half = raw.length >> 1;
      ms.rpcAdmission += cpuMs(() => {
        for (const t of raw.slice(0, half)) chain.checkTx(t);
      });
      admitted.rpc += half;
      admitted.gossip += raw.length - half;
      ms.gossipAdmission += await cpuMsAsync(async () => {
        const rest = raw.slice(half);
        for (let i = 0; i < rest.length; i += 500) {
          const data = TxBatchMsg.serialize({ txs: rest.slice(i, i + 500) });
          for (const t of decodeBatch(data) ?? []) (chain.checkTx as (x: unknown) => unknown)(t);
        }
        await Promise.resolve(); // the mempool log's write of the job
      });
      let p!: ReturnType<Chain["propose"]>;
      ms.propose += cpuMs(() => {
        p = chain.propose(proposer);
      });
      txs += p.block.txs.length;
      const commit = {
        height: p.block.header.height,
        round: 0,
        blockId: p.blockId,
        signatures: [
          {
            flag: BlockIdFlag.Commit,
            validator: proposer,
            timestamp: p.block.header.time + 1,
            signature: new Uint8Array(64),
          },
        ],
      };
      ms.commit += await cpuMsAsync(() => chain.commit(p, commit));
    }
  } finally {
    await chain.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const per = (x: number, n = txs) => +((x * 1000) / n).toFixed(1);
  const verifyUs = 1e6 / verifyRate.nodePerCpuSecond;
  // admission per tx admitted (the same number as committed, give or take the backlog), blocks per tx committed
  const totalUs = +(
    per(ms.rpcAdmission + ms.gossipAdmission, admitted.rpc + admitted.gossip) + per(ms.propose + ms.commit)
  ).toFixed(1);
  console.log(
    JSON.stringify(
      {
        bench: "pipeline",
        accounts: ACCOUNTS,
        backlogBlocks: BACKLOG,
        txsCommitted: txs,
        cpuUsPerTx: {
          rpcAdmission: per(ms.rpcAdmission, admitted.rpc),
          gossipAdmission: per(ms.gossipAdmission, admitted.gossip),
          propose: per(ms.propose),
          commit: per(ms.commit),
          total: totalUs,
        },
        ed25519VerifyCpuUs: +verifyUs.toFixed(1),
        // what a tx costs this node beyond its one signature check, in signature checks
        beyondSignatureInVerifies: +((totalUs - verifyUs) / verifyUs).toFixed(2),
      },
      null,
      2,
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
