// bench:exec — the state machine alone, then with LevelDB commits. Prints one JSON object.
//   node bench/exec.ts [--accounts 10000] [--txs 20000] [--block 5000]
// Measures: transfers/s executed with signatures pre-verified and with verification, the share
// of block time spent computing the state root, and blocks/s committed to LevelDB.
import { txEventKeys } from "../node/txEventIndex.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ChainDb } from "../node/chainDb.ts";
import { Overlay } from "../state/store/overlay.ts";
import { computeCommitment } from "../state/store/commitment.ts";
import { initChain, parseGenesis } from "../state/genesis.ts";
import { executeBlock } from "../state/execution/executeBlock.ts";
import { decodeTx } from "../state/tx/decodeTx.ts";
import { ONE } from "../state/denoms.ts";
import { accountKey } from "../state/modules/bank/store.ts";
import { testGenesisJson, testKey, send, CHAIN_ID } from "../test/fixtures/memChain.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "10000" },
    txs: { type: "string", default: "20000" },
    block: { type: "string", default: "5000" },
    "tx-index": { type: "string", default: "on" },
  },
});
const ACCOUNTS = Number(values.accounts);
const TXS = Number(values.txs);
const BLOCK = Number(values.block);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "strata-bench-"));
  const db = await ChainDb.open(dir);
  // genesis in chunks so a million accounts fit
  const g = parseGenesis(testGenesisJson(ACCOUNTS, 1_000n * ONE));
  let t = performance.now();
  for (let i = 0; i < g.accounts.length; i += 100_000) {
    const o = new Overlay(db);
    if (i === 0) initChain(o, { ...g, accounts: g.accounts.slice(0, 100_000) });
    else initChain(o, { ...g, accounts: g.accounts.slice(i, i + 100_000) });
    const changes = o.changes();
    const u = computeCommitment(db, changes);
    await db.commitBlock({
      height: 0,
      blockId: new Uint8Array(32),
      blockBytes: new Uint8Array(),
      commitBytes: new Uint8Array(),
      changes,
      commitment: u,
      txs: [],
      resultsBytes: new Uint8Array(),
      meta: {
        height: 0,
        stateRoot: u.root,
        leafCount: u.leafCount,
        lastBlockId: new Uint8Array(32),
        lastBlockTime: 0,
        genesisHash: new Uint8Array(32),
      },
    });
  }
  const genesisMs = performance.now() - t;

  // pre-sign: sender i sends to i+1, nonces ascending per sender
  const keys = Array.from({ length: Math.min(ACCOUNTS, TXS) }, (_, i) => testKey(i));
  const nonces = new Array<bigint>(keys.length).fill(0n);
  t = performance.now();
  const raw: Uint8Array[] = [];
  for (let i = 0; i < TXS; i++) {
    const s = i % keys.length;
    raw.push(send(keys[s], testKey((s + 1) % ACCOUNTS).address, 1n, nonces[s]++));
  }
  const signMs = performance.now() - t;
  const decoded = raw.map((b) => decodeTx(b));

  const blocks: (typeof decoded)[] = [];
  for (let i = 0; i < decoded.length; i += BLOCK) blocks.push(decoded.slice(i, i + BLOCK));

  let execNoSigMs = 0;
  let execSigMs = 0;
  let rootMs = 0;
  let commitMs = 0;
  let failed = 0;
  let height = 0;
  for (const b of blocks) {
    height++;
    // with signature verification (discarded), then pre-verified (kept): same input, same state
    let t0 = performance.now();
    executeBlock(db, { chainId: CHAIN_ID, height, time: height * 1000, txs: b });
    execSigMs += performance.now() - t0;
    t0 = performance.now();
    const ex = executeBlock(db, { chainId: CHAIN_ID, height, time: height * 1000, txs: b }, () => true);
    execNoSigMs += performance.now() - t0;
    failed += ex.results.filter((r) => r.code !== 0).length;
    t0 = performance.now();
    const changes = ex.overlay.changes();
    const u = computeCommitment(db, changes);
    rootMs += performance.now() - t0;
    t0 = performance.now();
    await db.commitBlock({
      height,
      blockId: new Uint8Array(32).fill(height),
      blockBytes: new Uint8Array(100),
      commitBytes: new Uint8Array(100),
      changes,
      commitment: u,
      txs: ex.results.map((r, i) => ({ hash: b[i].hash, record: new Uint8Array(40) })),
      txEvents:
        values["tx-index"] === "off" ? undefined : ex.results.flatMap((r, i) => txEventKeys(r.events, height, i)),
      resultsBytes: new Uint8Array(10),
      meta: {
        height,
        stateRoot: u.root,
        leafCount: u.leafCount,
        lastBlockId: new Uint8Array(32),
        lastBlockTime: height * 1000,
        genesisHash: new Uint8Array(32),
      },
    });
    commitMs += performance.now() - t0;
  }
  // PERF of the indexed tree's inserts: a block of BLOCK new keys, each just after an account key
  // (so each has a distinct old predecessor whose leaf is rehashed too: the worst case), against a
  // block updating as many existing account keys (no predecessor work). Timed, never committed.
  const accounts = keys.slice(0, Math.min(BLOCK, keys.length)).map((key) => accountKey(key.address));
  accounts.sort((a, b) => Buffer.compare(a, b));
  const value = new Uint8Array(40).fill(7);
  const updates = accounts.map((key) => ({ key, value }));
  const inserts = accounts.map((key) => ({ key: Uint8Array.of(...key, 0), value }));
  const timeRoot = (changes: { key: Uint8Array; value: Uint8Array }[]) => {
    computeCommitment(db, changes); // warm the node and value caches alike for both
    const t1 = performance.now();
    for (let i = 0; i < 3; i++) computeCommitment(db, changes);
    return (performance.now() - t1) / 3;
  };
  const updateRootMs = timeRoot(updates);
  const insertRootMs = timeRoot(inserts);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  const perS = (n: number, ms: number) => Math.round(n / (ms / 1000));
  console.log(
    JSON.stringify(
      {
        bench: "exec",
        node: process.version,
        accounts: ACCOUNTS,
        txs: TXS,
        txsPerBlock: BLOCK,
        txIndex: values["tx-index"] !== "off",
        failedTxs: failed,
        genesisMs: Math.round(genesisMs),
        signPerSec: perS(TXS, signMs),
        transfersPerSecNoSigVerify: perS(TXS, execNoSigMs),
        transfersPerSecWithSigVerify: perS(TXS, execSigMs),
        stateRootMsPerBlock: +(rootMs / blocks.length).toFixed(1),
        leveldbCommitMsPerBlock: +(commitMs / blocks.length).toFixed(1),
        transfersPerSecExecRootCommit: perS(TXS, execNoSigMs + rootMs + commitMs),
        stateRootShareOfBlockTime: +(rootMs / (execNoSigMs + rootMs + commitMs)).toFixed(3),
        blocksCommittedPerSec: +(blocks.length / ((execNoSigMs + rootMs + commitMs) / 1000)).toFixed(2),
        rootKeys: updates.length,
        rootMsUpdatingExistingKeys: +updateRootMs.toFixed(1),
        rootMsInsertingNewKeys: +insertRootMs.toFixed(1),
        rootUsPerUpdatedKey: +((updateRootMs * 1000) / updates.length).toFixed(1),
        rootUsPerInsertedKey: +((insertRootMs * 1000) / inserts.length).toFixed(1),
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
