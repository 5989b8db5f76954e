import type { StrataEvent } from "../events.ts";
import { getTxParams } from "../params.ts";
import { Overlay } from "../store/overlay.ts";
import type { KVReader } from "../store/types.ts";
import { decodeTx, type DecodedTx } from "../tx/decodeTx.ts";
import { processTx, undecodableTxResult, type TxResult } from "../tx/processTx.ts";
import { beginBlock, endBlock } from "./blockHooks.ts";
import { APP, type App } from "../app.ts";
import type { Misbehaviour } from "../misbehaviour.ts";

export type BlockInput = {
  chainId: string;
  height: number;
  time: number;
  /** raw tx bytes, or txs the node already decoded (mempool) */
  txs: readonly (Uint8Array | DecodedTx)[];
  /** consensus addresses that signed the previous block (its commit is in this block) */
  lastCommitSigners?: readonly Uint8Array[];
  /** misbehaviour proven by the block's evidence, verified by consensus/evidence/ beforehand */
  misbehaviour?: readonly Misbehaviour[];
};

export type BlockExecution = {
  /** every write of the block; nothing touched the base store yet */
  overlay: Overlay;
  results: TxResult[];
  events: StrataEvent[];
};

/**
 * Runs a block's txs in order on a scratch overlay over the committed state. The caller decides
 * whether to commit the overlay (consensus) or drop it (an invalid proposal).
 * `sigVerified(hash)` lets a node skip verifying a signature it has already verified for these
 * exact bytes (the tx hash covers the signature).
 * PERF: linear in txs; per tx one decode (unless pre-decoded) and processTx.
 */
export function executeBlock(
  base: KVReader,
  input: BlockInput,
  sigVerified: (hashHex: string) => boolean = () => false,
  app: App = APP,
): BlockExecution {
  const overlay = new Overlay(base);
  const txParams = getTxParams(overlay);
  const results: TxResult[] = [];
  const blockEvents: StrataEvent[] = [];
  const blockCtx = {
    store: overlay,
    chainId: input.chainId,
    height: input.height,
    time: input.time,
    txParams,
    events: blockEvents,
    hooks: app.hooks,
  };
  beginBlock(app, blockCtx, input.lastCommitSigners ?? [], input.misbehaviour ?? []);
  for (const raw of input.txs) {
    let tx: DecodedTx;
    if (raw instanceof Uint8Array) {
      try {
        tx = decodeTx(raw);
      } catch (e) {
        results.push(undecodableTxResult(raw, e));
        continue;
      }
    } else tx = raw;
    const ctx = {
      store: overlay,
      chainId: input.chainId,
      height: input.height,
      time: input.time,
      txParams,
      events: [],
      hooks: app.hooks,
    };
    results.push(processTx(ctx, tx, !sigVerified(tx.hashHex)));
  }
  endBlock(app, blockCtx);
  return { overlay, results, events: blockEvents };
}
