// Application queries, `<module>_<query>`, also reachable through abci_query by path
// "/<module>/<query>". Modules add their queries here as they land.
import { PARAM_SPACES, queryParams } from "../state/paramsQuery.ts";
import { decodeAddress } from "../state/crypto/address.ts";
import { queryBalances, querySupply } from "../state/modules/bank/queries.ts";
import { queryDelegations, queryStakingParams, queryUnbondings, queryValidators, validatorJson } from "../state/modules/staking/queries.ts";
import { consensusAddress, getValidator } from "../state/modules/staking/store.ts";
import { querySigningInfo } from "../state/modules/slashing/queries.ts";
import { queryLstRequests, queryLstState, redemptionRate } from "../state/modules/lst/keeper.ts";
import { queryLrtRequests, queryLrtState } from "../state/modules/lrt/keeper.ts";
import { getPool, getRegistry, getService, strategyAccount, strategyName, StrategyKind } from "../state/modules/strategy/store.ts";
import { serviceValue } from "../state/modules/strategy/service.ts";
import { poolPrice } from "../state/modules/strategy/pool.ts";
import { getBalance } from "../state/modules/bank/keeper.ts";
import { chainYields } from "../state/yields.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import type { KVReader } from "../state/store/types.ts";
import { validatorSetAt } from "../node/validatorHistory.ts";

function poolJson(s: KVReader, id: string) {
  const p = getPool(s, id);
  const price = poolPrice(p);
  const rate = redemptionRate(s);
  return { reserveStra: p.reserveStra.toString(), reserveStstra: p.reserveStstra.toString(), lpSupply: p.lpSupply.toString(), price: price.toString(), redemptionRate: rate.toString(), depeg: price === 0n ? null : (((price - rate) * 10n ** 18n) / rate).toString() };
}
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
        const set = validatorSetAt(chain.db, chain.height + 1);
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
      "params",
      (p) => {
        const all = queryParams(chain.db);
        const module = p.module === undefined ? undefined : reqString(p, "module");
        if (module === undefined) return { height: String(chain.height), params: all };
        if (!(PARAM_SPACES as readonly string[]).includes(module)) throw new StrataError(ErrorCode.InvalidParams, `no params space "${module}" (${PARAM_SPACES.join(", ")})`);
        return { height: String(chain.height), module, params: all[module as keyof typeof all] };
      },
    ],
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
    ["lrt_state", () => ({ height: String(chain.height), ...queryLrtState(chain.db) })],
    ["lrt_requests", (p) => ({ height: String(chain.height), owner: reqString(p, "address"), requests: queryLrtRequests(chain.db, addressParam(p)) })],
    [
      "strategy_list",
      () => ({
        height: String(chain.height),
        strategies: getRegistry(chain.db).map((d) => {
          const id = strategyName(d);
          if (d.kind === StrategyKind.Pool) return { id, kind: "pool", ...poolJson(chain.db, id) };
          const sv = getService(chain.db, id);
          return { id, kind: "service", rewardRate: d.rewardRate.toString(), slashFraction: d.slashFraction.toString(), downtimeSlashFraction: d.downtimeSlashFraction.toString(), value: serviceValue(chain.db, id).toString(), operators: sv.operators.filter((o) => o.active).map((o) => encodeAddress(o.operator)), rewardPool: getBalance(chain.db, strategyAccount(id), "stra").toString() };
        }),
      }),
    ],
    ["strategy_pool", (p) => ({ height: String(chain.height), id: reqString(p, "id"), ...poolJson(chain.db, reqString(p, "id")) })],
    ["chain_yields", () => ({ height: String(chain.height), ...chainYields(chain.db) })],
    ["distribution_rewards", (p) => ({ height: String(chain.height), delegator: reqString(p, "address"), ...queryRewards(chain.db, addressParam(p)) })],
  ]);
}

export function appMethods(ctx: RpcContext): Map<string, Method> {
  return new Map([...queries(ctx)].map(([k, f]) => [k, (p: Record<string, unknown>) => f(p)]));
}

/** "/bank/balances" → the bank_balances query (its name picks its declared params). */
export function appQueryByPath(ctx: RpcContext, path: string): { name: string; run: AppQuery } | undefined {
  const m = /^\/?([a-z]+)\/([a-z_]+)$/.exec(path);
  if (!m) return undefined;
  const name = `${m[1]}_${m[2]}`;
  const run = queries(ctx).get(name);
  return run ? { name, run } : undefined;
}
