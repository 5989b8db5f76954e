// slashing's records in an exported genesis: a signing window measured from an old-chain height
// would keep the new chain from judging liveness until it reached that height, so each
// validator's window starts again at 0 (its missed-blocks bitmap is kept).
import type { RecordsDef } from "../../module.ts";
import { Prefix } from "../../keys.ts";
import { hasPrefix } from "../../store/hasPrefix.ts";
import { SIGNING_INFO_PREFIX, SigningInfo } from "./store.ts";

export const slashingRecords: RecordsDef = {
  prefix: Prefix.slashing,
  restart: (key, value) =>
    hasPrefix(key, SIGNING_INFO_PREFIX)
      ? SigningInfo.serialize({ ...SigningInfo.deserialize(value), startHeight: 0 })
      : value,
};
