// staking's records in an exported genesis. The new chain starts again at height 1, so the
// heights kept on unbonding and redelegation entries (an infraction reaches the entries made at
// or after its height) become 0: entries made on the old chain answer for none of the new
// chain's infractions, as Cosmos' `export --for-zero-height` resets them.
import type { RecordsDef } from "../../module.ts";
import { Prefix } from "../../keys.ts";
import { hasPrefix } from "../../store/hasPrefix.ts";
import { REDELEGATION_PREFIX, UNBONDING_PREFIX } from "./store.ts";
import { Redelegations, Unbonding } from "./types.ts";

export const stakingRecords: RecordsDef = {
  prefix: Prefix.staking,
  restart: (key, value) => {
    if (hasPrefix(key, UNBONDING_PREFIX)) {
      const u = Unbonding.deserialize(value);
      return Unbonding.serialize({ entries: u.entries.map((e) => ({ ...e, creationHeight: 0 })) });
    }
    if (hasPrefix(key, REDELEGATION_PREFIX))
      return Redelegations.serialize(Redelegations.deserialize(value).map((e) => ({ ...e, creationHeight: 0 })));
    return value;
  },
};
