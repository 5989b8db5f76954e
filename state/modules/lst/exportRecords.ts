// lst's records in an exported genesis: its unbonding batches carry the height of their staking
// unbonding entry (a slash of that entry is booked against the batch), and the staking export
// sets those heights to 0, so the batches' heights follow.
import type { RecordsDef } from "../../module.ts";
import { Prefix } from "../../keys.ts";
import { LST_STATE_KEY, LstState } from "./store.ts";

export const lstRecords: RecordsDef = {
  prefix: Prefix.lst,
  restart: (key, value) => {
    if (Buffer.compare(key, LST_STATE_KEY) !== 0) return value;
    const st = LstState.deserialize(value);
    return LstState.serialize({ ...st, openBatches: st.openBatches.map((b) => ({ ...b, creationHeight: 0 })) });
  },
};
