// Reads of committed chain data shared by the RPC methods: a block, its id, its stored tx
// results, one committed tx in CometBFT's shape.
import { Block, Commit, TxResultRecord, type BlockValue } from "../state/encoding/types.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";
import type { Chain } from "../node/chain.ts";
import { decodeBlockResults, type BlockResults } from "../node/blockResults.ts";
import { b64, hex } from "./cometShapes.ts";
import { txResultJson, type StoredTxResult } from "./txJson.ts";

export async function loadBlock(chain: Chain, height: number) {
  chain.db.checkBlockHeight(height);
  const b = await chain.db.getBlock(height);
  if (!b)
    throw new StrataError(ErrorCode.BlockNotFound, `height ${height} is not available (latest is ${chain.height})`);
  return { block: Block.deserialize(b), size: b.length };
}

export async function blockIdAt(chain: Chain, height: number): Promise<Uint8Array> {
  const c = await chain.db.getCommit(height);
  if (!c) throw new StrataError(ErrorCode.BlockNotFound, `no commit for height ${height}`);
  return Commit.deserialize(c).blockId;
}

export async function resultsAt(chain: Chain, height: number): Promise<StoredTxResult[]> {
  return (await blockResultsAt(chain, height)).txs;
}

/** Everything block `height` produced (node/blockResults.ts). */
export async function blockResultsAt(chain: Chain, height: number): Promise<BlockResults> {
  const r = await chain.db.getResults(height);
  if (!r) throw new StrataError(ErrorCode.BlockNotFound, `no results for height ${height} (latest is ${chain.height})`);
  return decodeBlockResults(r);
}

/** A committed tx in CometBFT's shape; `blocks` lets a caller answering many txs decode each block once (a block holds thousands). */
export async function txJson(chain: Chain, hash: Uint8Array, blocks?: Map<number, BlockValue>) {
  const rec = await chain.db.getTxRecord(hash);
  if (!rec) return undefined;
  const r = TxResultRecord.deserialize(rec);
  let block = blocks?.get(r.height);
  if (!block) {
    block = (await loadBlock(chain, r.height)).block;
    blocks?.set(r.height, block);
  }
  const events = JSON.parse(Buffer.from(r.events).toString() || "[]") as StoredTxResult["events"];
  return {
    hash: hex(hash),
    height: String(r.height),
    index: r.index,
    tx_result: txResultJson({
      hash: hex(hash),
      code: r.code,
      log: Buffer.from(r.log).toString(),
      gasWanted: String(r.gasUsed),
      gasUsed: String(r.gasUsed),
      events,
    }),
    tx: b64(block.txs[r.index]),
  };
}
