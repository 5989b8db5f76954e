// Application queries, `<module>_<query>`, also reachable through abci_query by path
// "/<module>/<query>". All of them come from the module manifests (APP.queries, state/app.ts):
// their names, their declared params (appQueryParams, used by methodParams.ts) and their docs.
// This file only adapts them to RPC: checks address arguments, runs the query on committed
// state and says which height the answer is for.
import { APP } from "../state/app.ts";
import type { QueryArg, QueryDef } from "../state/module.ts";
import { decodeAddress } from "../state/crypto/address.ts";
import { consensusAddress } from "../state/modules/staking/store.ts";
import type { KVReader } from "../state/store/types.ts";
import type { Method } from "./jsonrpc.ts";
import { RpcParamsError } from "./jsonrpc.ts";
import type { ParamSpec } from "./paramSchema.ts";
import type { RpcContext } from "./methods.ts";

type AppQuery = (params: Record<string, unknown>) => unknown;

/** A query's arguments as the RPC declares them (rpc/paramSchema.ts checks them before dispatch). */
function argSpec(a: QueryArg): ParamSpec {
  return { name: a.name, required: !a.optional, kind: { type: "string", maxLength: a.kind === "address" ? 128 : a.maxLength } };
}

export function appQueryParams(): Record<string, readonly ParamSpec[]> {
  return Object.fromEntries([...APP.queries].map(([name, q]) => [name, (q.args ?? []).map(argSpec)]));
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
function decorate(ctx: RpcContext, name: string, r: Record<string, unknown>): Record<string, unknown> {
  if (name !== "staking_validators") return r;
  const set = ctx.validatorSetAt?.(ctx.chain.height + 1);
  const prio = new Map(set?.validators.map((v) => [Buffer.from(v.address).toString("hex"), v.priority.toString()]) ?? []);
  const validators = (r.validators as { consensusPubkey: string }[]).map((v) => ({
    ...v,
    proposerPriority: prio.get(Buffer.from(consensusAddress(Buffer.from(v.consensusPubkey, "hex"))).toString("hex")) ?? null,
  }));
  return { ...r, validators };
}

function runner(ctx: RpcContext, name: string, q: QueryDef): AppQuery {
  return (p) => {
    const a = args(q, p);
    const state: KVReader = ctx.chain.db;
    const height = ctx.chain.height;
    return { height: String(height), ...decorate(ctx, name, q.run(state, a)) };
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
