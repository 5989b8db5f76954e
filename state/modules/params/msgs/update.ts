import type { ExecContext } from "../../../context.ts";
import { ChainKey } from "../../../keys.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { event } from "../../../events.ts";
import type { ParamsDef } from "../../../module.ts";
import type { Fail } from "../../../paramsParse.ts";
import { MsgParamsUpdate, type MsgParamsUpdateValue } from "../schemas.ts";
import { msgDef } from "../../../module.ts";

const fail: Fail = (field, why) => {
  throw new StrataError(ErrorCode.InvalidParams, `${field}: ${why}`);
};

/**
 * params/update {module, params}: only the genesis authority may change parameters; `params` is
 * JSON naming only the fields that change, handed to the named space's own parser (each module's
 * manifest declares its `params`; `tx` and `block` are the chain's). The spaces come from the app's
 * module list (state/app.ts), so a module with params is updatable by being listed.
 */
export function updateMsgFor(spaces: () => ReadonlyMap<string, ParamsDef>) {
  const execute = (ctx: ExecContext, signer: Uint8Array, m: MsgParamsUpdateValue): void => {
    const authority = ctx.store.get(ChainKey.authority);
    if (!authority || Buffer.compare(authority, signer) !== 0)
      throw new StrataError(ErrorCode.Unauthorized, "only the chain authority can update parameters");
    const module = Buffer.from(m.module).toString();
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(m.params).toString());
    } catch {
      throw new StrataError(ErrorCode.InvalidParams, "params is not valid JSON");
    }
    const space = spaces().get(module);
    if (!space)
      throw new StrataError(
        ErrorCode.InvalidParams,
        `module "${module}" has no updatable params (${[...spaces().keys()].join(", ")})`,
      );
    space.update(ctx, signer, json, `params.${module}`, fail);
    ctx.events.push(event("params_update", { module }));
  };
  return msgDef({ schema: MsgParamsUpdate, gas: 100_000n, validateBasic: () => {}, execute });
}
