// Application queries, `<module>_<query>`, also reachable through abci_query by path
// "/<module>/<query>". Modules add their queries here as they land.
import { decodeAddress } from "../state/crypto/address.ts";
import { queryBalances, querySupply } from "../state/modules/bank/queries.ts";
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
