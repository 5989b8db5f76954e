// The JSON a committed block's tx results are stored as (block_results reads it back), built from
// each tx's events JSON, which the per-tx records need anyway: the events of a block are then
// serialised once, not twice, and without JSON.stringify's replacer (a slow path in V8) for the
// bigints. Same document as JSON.stringify(results, bigint → string); test/unit/node/blockResultsJson.test.ts.
import type { TxResult } from "../state/tx/processTx.ts";

/** `eventsJson[i]` is JSON.stringify(results[i].events). PERF: O(bytes), one string join per block. */
export function blockResultsJson(results: readonly TxResult[], eventsJson: readonly string[]): string {
  const parts = results.map(
    (r, i) => `{"hash":${JSON.stringify(r.hash)},"gasWanted":"${r.gasWanted}","code":${r.code},"log":${JSON.stringify(r.log)},"gasUsed":"${r.gasUsed}","events":${eventsJson[i]},"charged":${r.charged}}`,
  );
  return `[${parts.join(",")}]`;
}
