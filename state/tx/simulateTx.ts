// A dry run of one tx against the committed state (Cosmos' simulate, CometBFT's check_tx): the
// same decode, envelope checks and message execution as a block would run, in a scratch overlay
// that is dropped, so a client can learn before signing and paying that a tx would fail
// (RequestNotMature, InsufficientFunds, …) and what it would do (its events).
import { APP } from "../app.ts";
import { getTxParams } from "../params.ts";
import { Overlay } from "../store/overlay.ts";
import type { KVReader } from "../store/types.ts";
import { decodeTx } from "./decodeTx.ts";
import { processTx, undecodableTxResult, type TxResult } from "./processTx.ts";

/** The block a dry run pretends to be in: the next height, at the last block's time. */
export type SimulationPoint = { chainId: string; height: number; time: number };

export function simulateTx(base: KVReader, at: SimulationPoint, bytes: Uint8Array): TxResult {
  let tx;
  try {
    tx = decodeTx(bytes);
  } catch (e) {
    return undecodableTxResult(bytes, e);
  }
  const store = new Overlay(base);
  return processTx(
    {
      store,
      chainId: at.chainId,
      height: at.height,
      time: at.time,
      txParams: getTxParams(store),
      events: [],
      hooks: APP.hooks,
    },
    tx,
  );
}
