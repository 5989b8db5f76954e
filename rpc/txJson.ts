// Tx results in CometBFT's ExecTxResult shape.
import type { StoredTxResult } from "../node/blockResults.ts";
import type { StrataEvent } from "../state/events.ts";

export type { StoredTxResult };

/** An event as v0.38 sends it (every attribute indexed). */
export function eventJson(e: StrataEvent) {
  return { type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })) };
}

export function txResultJson(r: StoredTxResult) {
  return {
    code: r.code,
    data: "",
    log: r.log,
    info: "",
    gas_wanted: String(r.gasWanted),
    gas_used: String(r.gasUsed),
    events: r.events.map(eventJson),
    codespace: r.code === 0 ? "" : "strata",
  };
}
