// Tx results in CometBFT's ExecTxResult shape.
import type { StrataEvent } from "../state/events.ts";

export type StoredTxResult = { hash: string; code: number; log: string; gasWanted: string; gasUsed: string; events: StrataEvent[] };

export function txResultJson(r: StoredTxResult) {
  return {
    code: r.code,
    data: "",
    log: r.log,
    info: "",
    gas_wanted: String(r.gasWanted),
    gas_used: String(r.gasUsed),
    events: r.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })) })),
    codespace: r.code === 0 ? "" : "strata",
  };
}
