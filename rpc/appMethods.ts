// Application queries, `<module>_<query>`, also reachable through abci_query by path
// "/<module>/<query>". Modules add their queries here as they land.
import { decodeAddress } from "../state/crypto/address.ts";
import { queryBalances, querySupply } from "../state/modules/bank/queries.ts";
import { queryDelegations, queryStakingParams, queryUnbondings, queryValidators, validatorJson } from "../state/modules/staking/queries.ts";
import { consensusAddress, getValidator } from "../state/modules/staking/store.ts";
import { querySigningInfo } from "../state/modules/slashing/queries.ts";
import { queryLstRequests, queryLstState } from "../state/modules/lst/keeper.ts";
import { queryRewards, queryValidatorRewards } from "../state/modules/distribution/queries.ts";
import { ErrorCode, StrataError } from "../state/errors.ts";
import type { Method } from "./jsonrpc.ts";
import { RpcParamsError } from "./jsonrpc.ts";
import { reqString } from "./params.ts";
import type { RpcContext } from "./methods.ts";

type AppQuery = (params: Record<string, unknown>) => unknown;

function addressParam(p: Record<string, unknown>): Uint8Array {
  const s = reqString(p, "address");
  try {
    return decodeAddress(s);
  } catch (e) {
    throw new RpcParamsError(`address: ${(e as Error).message}`);
  }
}

function queries(ctx: RpcContext): Map<string, AppQuery> {
  const { chain } = ctx;
  return new Map<string, AppQuery>([
    ["bank_balances", (p) => ({ address: reqString(p, "address"), height: String(chain.height), ...queryBalances(chain.db, addressParam(p)) })],
    ["bank_supply", () => ({ height: String(chain.height), supply: querySupply(chain.db) })],
    [
      "staking_validators",
      () => {
        // proposer priorities are consensus state: those of the height being decided now
        const set = ctx.validatorSetAt?.(chain.height + 1);
        const prio = new Map(set?.validators.map((v) => [Buffer.from(v.address).toString("hex"), v.priority.toString()]) ?? []);
        const validators = queryValidators(chain.db).map((v) => ({ ...v, proposerPriority: prio.get(Buffer.from(consensusAddress(Buffer.from(v.consensusPubkey, "hex"))).toString("hex")) ?? null }));
        return { height: String(chain.height), validators };
      },
    ],
    [
      "staking_validator",
      (p) => {
        const v = getValidator(chain.db, addressParam(p));
        if (!v) throw new StrataError(ErrorCode.UnknownValidator, `no validator with operator ${String(p.address)}`);
        return { height: String(chain.height), validator: validatorJson(v), ...queryValidatorRewards(chain.db, v.operator) };
      },
    ],
    ["staking_delegations", (p) => ({ height: String(chain.height), delegator: reqString(p, "address"), delegations: queryDelegations(chain.db, addressParam(p)) })],
    ["staking_unbondings", (p) => ({ height: String(chain.height), delegator: reqString(p, "address"), unbondings: queryUnbondings(chain.db, addressParam(p)) })],
    ["staking_params", () => queryStakingParams(chain.db)],
    [
      "slashing_signing_info",
      (p) => {
        const v = getValidator(chain.db, addressParam(p));
        if (!v) throw new StrataError(ErrorCode.UnknownValidator, `no validator with operator ${String(p.address)}`);
        return { height: String(chain.height), operator: reqString(p, "address"), ...querySigningInfo(chain.db, consensusAddress(v.consensusPubkey)) };
      },
    ],
    ["lst_state", () => ({ height: String(chain.height), ...queryLstState(chain.db) })],
    ["lst_requests", (p) => ({ height: String(chain.height), owner: reqString(p, "address"), requests: queryLstRequests(chain.db, addressParam(p)) })],
    ["distribution_rewards", (p) => ({ height: String(chain.height), delegator: reqString(p, "address"), ...queryRewards(chain.db, addressParam(p)) })],
  ]);
}

export function appMethods(ctx: RpcContext): Map<string, Method> {
  return new Map([...queries(ctx)].map(([k, f]) => [k, (p: Record<string, unknown>) => f(p)]));
}

/** "/bank/balances" → the bank_balances query. */
export function appQueryByPath(ctx: RpcContext, path: string): AppQuery | undefined {
  const m = /^\/?([a-z]+)\/([a-z_]+)$/.exec(path);
  if (!m) return undefined;
  return queries(ctx).get(`${m[1]}_${m[2]}`);
}
