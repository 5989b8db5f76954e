// slashing: liveness over a window of blocks and double-sign evidence (begin block), unjail.
import type { Module } from "../../module.ts";
import { parseSlashingParams } from "../../paramsParse.ts";
import { handleEvidence, trackLiveness } from "./keeper.ts";
import { getParams, setParams } from "./store.ts";
import { unjailMsg } from "./msgs/unjail.ts";

export const slashingModule: Module = {
  name: "slashing",
  msgs: { unjail: unjailMsg },
  params: {
    update: (ctx, _signer, json, field, fail) => {
      const cur = getParams(ctx.store);
      const p = parseSlashingParams(json, cur, field, fail);
      if (p.signedBlocksWindow !== cur.signedBlocksWindow) fail(`${field}.signedBlocksWindow`, "is fixed at genesis (every validator's signing bitmap is sized by it)");
      setParams(ctx.store, p);
    },
  },
  beginBlock: (ctx, b) => {
    trackLiveness(ctx, b.lastValidators, b.lastCommitSigners);
    handleEvidence(ctx, b.evidence);
  },
};
