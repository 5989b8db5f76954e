// slashing: liveness over a window of blocks and verified double signs (begin block), unjail.
import { genesisDef, type Module } from "../../module.ts";
import { slashingQueries } from "./queries.ts";
import { DEFAULT_SLASHING_PARAMS } from "./store.ts";
import { parseSlashingParams } from "./params.ts";
import { handleMisbehaviour, trackLiveness } from "./keeper.ts";
import { getParams, setParams } from "./store.ts";
import { unjailMsg } from "./msgs/unjail.ts";
import { paramsJson } from "../../paramsQuery.ts";
import { slashingRecords } from "./exportRecords.ts";

export const slashingModule = {
  name: "slashing",
  queries: slashingQueries,
  msgs: { unjail: unjailMsg },
  genesis: genesisDef({
    key: "slashing",
    parse: (json, _g, field, fail) => parseSlashingParams(json, DEFAULT_SLASHING_PARAMS, field, fail),
    init: (ctx, p) => setParams(ctx.store, p),
    export: (s) => paramsJson(getParams(s)),
    records: slashingRecords,
  }),
  params: {
    update: (ctx, _signer, json, field, fail) => {
      const cur = getParams(ctx.store);
      const p = parseSlashingParams(json, cur, field, fail);
      if (p.signedBlocksWindow !== cur.signedBlocksWindow)
        fail(`${field}.signedBlocksWindow`, "is fixed at genesis (every validator's signing bitmap is sized by it)");
      setParams(ctx.store, p);
    },
  },
  beginBlock: (ctx, b) => {
    trackLiveness(ctx, b.lastValidators, b.lastCommitSigners);
    handleMisbehaviour(ctx, b.misbehaviour);
  },
} as const satisfies Module;
