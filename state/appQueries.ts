// The app's own queries: those that combine several modules' figures (composed here, as hooks
// are wired in app.ts, so no module reads another's answers), and the chain-wide ones.
import type { QueryDef } from "./module.ts";
import { decodeAddress } from "./crypto/address.ts";
import { ErrorCode, StrataError } from "./errors.ts";
import { PARAM_SPACES, queryParams } from "./paramsQuery.ts";
import { chainYields } from "./yields.ts";
import { requireValidator } from "./modules/staking/keeper.ts";
import { validatorJson } from "./modules/staking/queries.ts";
import { queryValidatorRewards } from "./modules/distribution/queries.ts";

export const APP_QUERIES: Readonly<Record<string, QueryDef>> = {
  staking_validator: {
    summary: "one validator (by operator address) with its commission and outstanding rewards",
    args: [{ name: "address", kind: "address" }],
    run: (s, a) => {
      const v = requireValidator(s, decodeAddress(a.address!));
      return { validator: validatorJson(v), ...queryValidatorRewards(s, v.operator) };
    },
  },
  params: {
    summary: "every module's params, or one module's (`module`)",
    args: [{ name: "module", kind: "string", maxLength: 32, optional: true }],
    run: (s, a) => {
      const all = queryParams(s);
      const module = a.module;
      if (module === undefined) return { params: all };
      if (!(PARAM_SPACES as readonly string[]).includes(module))
        throw new StrataError(ErrorCode.InvalidParams, `no params space "${module}" (${PARAM_SPACES.join(", ")})`);
      return { module, params: all[module as keyof typeof all] };
    },
  },
  chain_yields: {
    summary: "staking, liquid staking and restaking APRs and the bonded ratio",
    run: (s) => chainYields(s),
  },
};
