// The JSON of a committed block's tx results as node/blockResults.ts stores them (StoredTxResult
// in `txs`), built from each tx's events JSON, which the per-tx records need anyway: the events of
// a block are then serialised once, not twice. Same document as JSON.stringify(storedTxResults(..));
// test/unit/node/txResultsJson.test.ts.
import type { TxResult } from "../state/tx/processTx.ts";

/** `eventsJson[i]` is JSON.stringify(results[i].events). PERF: O(bytes), one string join per block. */
export function txResultsJson(results: readonly TxResult[], eventsJson: readonly string[]): string {
  const parts = results.map(
    (r, i) =>
      `{"hash":${JSON.stringify(r.hash)},"code":${r.code},"log":${JSON.stringify(r.log)},"gasWanted":"${r.gasWanted}","gasUsed":"${r.gasUsed}","events":${eventsJson[i]}}`,
  );
  return `[${parts.join(",")}]`;
}
