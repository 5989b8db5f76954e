// JSON-RPC 2.0 envelope handling, independent of transport (HTTP POST, URI GET, WebSocket).
import { StrataError, errorName } from "../state/errors.ts";

export const RpcCode = { Parse: -32700, InvalidRequest: -32600, MethodNotFound: -32601, InvalidParams: -32602, Internal: -32603 } as const;

/** Thrown by a method for bad params; becomes -32602 with the message as data. */
export class RpcParamsError extends Error {}

export type RpcId = string | number | null;
export type RpcResponse =
  | { jsonrpc: "2.0"; id: RpcId; result: unknown }
  | { jsonrpc: "2.0"; id: RpcId; error: { code: number; message: string; data?: unknown } };

export type Method = (params: Record<string, unknown>) => unknown | Promise<unknown>;

function error(id: RpcId, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: "2.0", id, error: data === undefined ? { code, message } : { code, message, data } };
}

/** Application errors keep their typed code in data, so clients can branch on it. */
export function toRpcError(id: RpcId, e: unknown): RpcResponse {
  if (e instanceof RpcParamsError) return error(id, RpcCode.InvalidParams, "Invalid params", e.message);
  if (e instanceof StrataError) {
    return error(id, RpcCode.Internal, e.message, { code: e.code, name: errorName(e.code), codespace: e.codespace });
  }
  return error(id, RpcCode.Internal, "Internal error", (e as Error)?.message ?? String(e));
}

function validId(id: unknown): id is RpcId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

/** Handles one request object; returns undefined for a notification (no id). */
export async function handleOne(methods: ReadonlyMap<string, Method>, req: unknown): Promise<RpcResponse | undefined> {
  if (typeof req !== "object" || req === null || Array.isArray(req)) return error(null, RpcCode.InvalidRequest, "Invalid Request", "request must be an object");
  const r = req as Record<string, unknown>;
  const isNotification = !("id" in r);
  const id: RpcId = validId(r.id) ? r.id : null;
  if (r.jsonrpc !== "2.0") return error(id, RpcCode.InvalidRequest, "Invalid Request", 'jsonrpc must be "2.0"');
  if (!isNotification && !validId(r.id)) return error(null, RpcCode.InvalidRequest, "Invalid Request", "id must be a string, number or null");
  if (typeof r.method !== "string") return error(id, RpcCode.InvalidRequest, "Invalid Request", "method must be a string");
  const m = methods.get(r.method);
  if (!m) return isNotification ? undefined : error(id, RpcCode.MethodNotFound, "Method not found", r.method);
  let params: Record<string, unknown>;
  if (r.params === undefined || r.params === null) params = {};
  else if (typeof r.params === "object" && !Array.isArray(r.params)) params = r.params as Record<string, unknown>;
  else return isNotification ? undefined : error(id, RpcCode.InvalidParams, "Invalid params", "params must be an object of named parameters");
  try {
    const result = await m(params);
    return isNotification ? undefined : { jsonrpc: "2.0", id, result };
  } catch (e) {
    return isNotification ? undefined : toRpcError(id, e);
  }
}
