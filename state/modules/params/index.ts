// params: the authority's params/update, dispatched to the space it names. The chain's own
// spaces (`tx`, `block`) live here; every module's come from its manifest.
import type { Module, ParamsDef } from "../../module.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { parseBlockParams, parseTxParams } from "../../paramsParse.ts";
import { getBlockParams, getTxParams, setBlockParams, setTxParams } from "../../params.ts";
import { updateMsgFor } from "./msgs/update.ts";
import { getEvidenceParams, parseEvidenceParams, setEvidenceParams } from "../../evidenceParams.ts";

export const CHAIN_PARAM_SPACES: ReadonlyMap<string, ParamsDef> = new Map([
  [
    "tx",
    {
      update: (ctx, _signer, json, field, fail) => {
        const tx = parseTxParams(json, getTxParams(ctx.store), field, fail);
        if (getBlockParams(ctx.store).maxBytes < tx.maxTxBytes)
          fail(`${field}.maxTxBytes`, "must not exceed params.block.maxBytes");
        setTxParams(ctx.store, tx);
      },
    },
  ],
  [
    "block",
    {
      update: (ctx, _signer, json, field, fail) =>
        setBlockParams(
          ctx.store,
          parseBlockParams(json, getBlockParams(ctx.store), getTxParams(ctx.store).maxTxBytes, field, fail),
        ),
    },
  ],
  [
    "evidence",
    {
      update: (ctx, _signer, json, field, fail) =>
        setEvidenceParams(ctx.store, parseEvidenceParams(json, getEvidenceParams(ctx.store), field, fail)),
    },
  ],
]);

/** The params module, given the app's module list (read when a tx runs, after the app is built). */
export function paramsModule(modules: () => readonly Module[]) {
  let spaces: Map<string, ParamsDef> | undefined;
  const all = () => {
    if (!spaces) {
      spaces = new Map(CHAIN_PARAM_SPACES);
      for (const m of modules()) {
        if (!m.params) continue;
        if (spaces.has(m.name)) throw new StrataError(ErrorCode.InvalidParams, `two params spaces named "${m.name}"`);
        spaces.set(m.name, m.params);
      }
    }
    return spaces;
  };
  return { name: "params", msgs: { update: updateMsgFor(all) } } as const satisfies Module;
}
