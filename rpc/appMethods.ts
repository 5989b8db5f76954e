// Application queries, `<module>_<query>`, also reachable through abci_query by path
// "/<module>/<query>". All of them come from the module manifests (APP.queries, state/app.ts):
// their names, their declared params (appQueryParams, used by methodParams.ts) and their docs.
// This file only adapts them to RPC: checks address arguments, runs the query on the state of
// the height asked (`height`, latest when absent; past heights through node/stateAt.ts, inside
// the retained window) and says which height the answer is for.
import { APP } from "../state/app.ts";
import type { QueryArg, QueryDef } from "../state/module.ts";
import { decodeAddress } from "../state/crypto/address.ts";
import { consensusAddress } from "../state/modules/staking/store.ts";
import type { KVReader } from "../state/store/types.ts";
import type { Method } from "./jsonrpc.ts";
import { RpcParamsError } from "./jsonrpc.ts";
import type { ParamSpec } from "./paramSchema.ts";
import type { RpcContext } from "./methods.ts";
import { validatorSetAt } from "../node/validatorHistory.ts";
import { runAtHeight } from "../node/stateAt.ts";
import { optHeight } from "./params.ts";

type AppQuery = (params: Record<string, unknown>) => Promise<unknown>;

/** A query's arguments as the RPC declares them (rpc/paramSchema.ts checks them before dispatch). */
function argSpec(a: QueryArg): ParamSpec {
  return {
    name: a.name,
    required: !a.optional,
    kind: { type: "string", maxLength: a.kind === "address" ? 128 : a.maxLength },
  };
}

/** Every app query also takes `height` (after its own arguments, for the positional form). */
const HEIGHT: ParamSpec = { name: "height", kind: { type: "int" } };

export function appQueryParams(): Record<string, readonly ParamSpec[]> {
  return Object.fromEntries([...APP.queries].map(([name, q]) => [name, [...(q.args ?? []).map(argSpec), HEIGHT]]));
}

/** name → summary, for rpc.discover */
export function appQuerySummaries(): Record<string, string> {
  return Object.fromEntries([...APP.queries].map(([name, q]) => [name, q.summary]));
}

function args(q: QueryDef, p: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of q.args ?? []) {
    const v = p[a.name];
    if (v === undefined && a.optional) continue;
    if (typeof v !== "string" || v.length === 0) throw new RpcParamsError(`${a.name} is required and must be a string`);
    if (a.kind === "address") {
      try {
        decodeAddress(v);
      } catch (e) {
        throw new RpcParamsError(`${a.name}: ${(e as Error).message}`);
      }
    }
    out[a.name] = v;
  }
  return out;
}

/**
 * What the RPC adds to a query's answer beyond state: staking_validators carries each
 * validator's proposer priority, which is consensus state (that of the height being decided).
 */
function decorate(ctx: RpcContext, name: string, r: Record<string, unknown>, height: number): Record<string, unknown> {
  if (name !== "staking_validators") return r;
  const set = validatorSetAt(ctx.chain.db, height + 1);
  const prio = new Map(
    set?.validators.map((v) => [Buffer.from(v.address).toString("hex"), v.priority.toString()]) ?? [],
  );
  const validators = (r.validators as { consensusPubkey: string }[]).map((v) => ({
    ...v,
    proposerPriority:
      prio.get(Buffer.from(consensusAddress(Buffer.from(v.consensusPubkey, "hex"))).toString("hex")) ?? null,
  }));
  return { ...r, validators };
}

/**
 * Runs a query at `params.height` (latest when absent): the latest state directly, a past one
 * through the versioned reads of node/stateAt.ts, inside the retained window only (checked again
 * after the run: a height pruned meanwhile is refused, never answered from a half-pruned state).
 */
function runner(ctx: RpcContext, name: string, q: QueryDef): AppQuery {
  return async (p) => {
    const a = args(q, p);
    const { chain } = ctx;
    // no block write in flight: a latest-height answer is read in this tick, of one block
    await chain.db.settled();
    const height = optHeight(p) ?? chain.height;
    const run = (state: KVReader) => ({ height: String(height), ...decorate(ctx, name, q.run(state, a), height) });
    if (height === chain.height) return run(chain.db);
    chain.db.checkStateHeight(height);
    const out = await runAtHeight(chain.db, height, run);
    chain.db.checkStateHeight(height);
    return out;
  };
}

export function appMethods(ctx: RpcContext): Map<string, Method> {
  return new Map([...APP.queries].map(([name, q]) => [name, runner(ctx, name, q)]));
}

/** "/bank/balances" → the bank_balances query (its name picks its declared params). */
export function appQueryByPath(ctx: RpcContext, path: string): { name: string; run: AppQuery } | undefined {
  const m = /^\/?([a-z]+)\/([a-z_]+)$/.exec(path);
  if (!m) return undefined;
  const name = `${m[1]}_${m[2]}`;
  const q = APP.queries.get(name);
  return q ? { name, run: runner(ctx, name, q) } : undefined;
}
