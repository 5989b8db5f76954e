// JSON-RPC 2.0 envelope types and errors, independent of transport (HTTP POST, URI GET, WebSocket).
// The dispatcher (dispatcher.ts) is the one path that turns input into these.
import { StrataError, errorName } from "../state/errors.ts";

export const RpcCode = {
  Parse: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  Server: -32000,
} as const;

/**
 * Why the RPC layer refused a request, a stable name clients may branch on (sent as
 * `error.data.name`, with `codespace: "rpc"`), beside the JSON-RPC code.
 */
export const RpcReason = {
  ParseError: "ParseError",
  TooDeep: "TooDeep",
  BodyTooLarge: "BodyTooLarge",
  InvalidRequest: "InvalidRequest",
  EmptyBatch: "EmptyBatch",
  BatchTooLarge: "BatchTooLarge",
  AnswerTooLarge: "AnswerTooLarge",
  RateLimited: "RateLimited",
  Busy: "Busy",
  TimeBudgetExceeded: "TimeBudgetExceeded",
  WebsocketOnly: "WebsocketOnly",
  SubscriptionLimit: "SubscriptionLimit",
  Internal: "Internal",
} as const;
export type RpcReasonName = (typeof RpcReason)[keyof typeof RpcReason];

/** A refusal by the RPC layer itself (not by the application): JSON-RPC code plus a stable reason. */
export class RpcError extends Error {
  readonly rpcCode: number;
  readonly reason: RpcReasonName;
  constructor(rpcCode: number, reason: RpcReasonName, message: string) {
    super(message);
    this.rpcCode = rpcCode;
    this.reason = reason;
  }
}

/** Thrown by a method for bad params; becomes -32602 with the message (naming the param) as data. */
export class RpcParamsError extends Error {}

export type RpcId = string | number | null;
export type RpcResponse =
  | { jsonrpc: "2.0"; id: RpcId; result: unknown }
  | { jsonrpc: "2.0"; id: RpcId; error: { code: number; message: string; data?: unknown } };

/** A method sees only params the dispatcher validated against its declared schema. */
export type Method = (params: Record<string, unknown>) => unknown | Promise<unknown>;

const MESSAGES: Record<number, string> = {
  [RpcCode.Parse]: "Parse error",
  [RpcCode.InvalidRequest]: "Invalid Request",
  [RpcCode.MethodNotFound]: "Method not found",
  [RpcCode.InvalidParams]: "Invalid params",
  [RpcCode.Internal]: "Internal error",
  [RpcCode.Server]: "Server error",
};

export function errorResponse(id: RpcId, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: "2.0", id, error: data === undefined ? { code, message } : { code, message, data } };
}

export function rpcErrorResponse(id: RpcId, e: RpcError): RpcResponse {
  return errorResponse(id, e.rpcCode, MESSAGES[e.rpcCode] ?? "Server error", {
    codespace: "rpc",
    name: e.reason,
    detail: e.message,
  });
}

/**
 * Anything a method threw, as a JSON-RPC error. Application errors keep their typed code in data,
 * so clients can branch on it; an unexpected throw says only its message (never the stack).
 */
export function toRpcError(id: RpcId, e: unknown): RpcResponse {
  if (e instanceof RpcError) return rpcErrorResponse(id, e);
  if (e instanceof RpcParamsError) return errorResponse(id, RpcCode.InvalidParams, "Invalid params", e.message);
  if (e instanceof StrataError) {
    return errorResponse(id, RpcCode.Internal, e.message, {
      code: e.code,
      name: errorName(e.code),
      codespace: e.codespace,
    });
  }
  const message = e instanceof Error && typeof e.message === "string" ? e.message : "unknown error";
  return errorResponse(id, RpcCode.Internal, "Internal error", message);
}
