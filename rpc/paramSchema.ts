// Declared params of an RPC method and the one check every request goes through before a method
// runs: named params (an object) or, as CometBFT accepts, positional ones (an array, in declared
// order); each value checked against its kind. The method receives a fresh object holding only
// declared params of the right type, so no handler ever sees a wrong-typed or prototype-ish value.
import { RpcParamsError } from "./jsonrpc.ts";

export type ParamKind =
  /** a safe integer, as a JSON number or a decimal string (URI form); "" means absent */
  | { type: "int" }
  | { type: "string"; maxLength: number; pattern?: RegExp }
  /** true/false, or "true"/"false" (URI form) */
  | { type: "bool" }
  | { type: "enum"; values: readonly string[] }
  /** a JSON object, or its text (URI form); at most maxBytes of JSON text */
  | { type: "json"; maxBytes: number };

export type ParamSpec = { name: string; kind: ParamKind; required?: boolean };

const INT = /^-?[0-9]{1,16}$/;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : typeof v;
}

/** The value as the method receives it, or undefined when absent; throws RpcParamsError naming the param. */
function check(spec: ParamSpec, v: unknown): unknown {
  const { name, kind } = spec;
  if (v === undefined || v === null) return undefined;
  switch (kind.type) {
    case "int": {
      if (v === "") return undefined;
      if (typeof v === "number" && Number.isSafeInteger(v)) return v;
      if (typeof v === "string" && INT.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
      throw new RpcParamsError(`${name} must be an integer (a number or a decimal string), got ${describe(v)}`);
    }
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      throw new RpcParamsError(`${name} must be true or false, got ${describe(v)}`);
    case "enum":
      if (typeof v === "string" && kind.values.includes(v)) return v;
      throw new RpcParamsError(`${name} must be one of ${kind.values.map((x) => JSON.stringify(x)).join(", ")}`);
    case "json": {
      let o = v;
      if (typeof v === "string") {
        if (v.length > kind.maxBytes) throw new RpcParamsError(`${name} is larger than ${kind.maxBytes} bytes of JSON`);
        try {
          o = JSON.parse(v);
        } catch {
          throw new RpcParamsError(`${name} must be a JSON object (or its text), and this text does not parse`);
        }
      } else if (JSON.stringify(v).length > kind.maxBytes)
        throw new RpcParamsError(`${name} is larger than ${kind.maxBytes} bytes of JSON`);
      if (typeof o !== "object" || o === null || Array.isArray(o))
        throw new RpcParamsError(`${name} must be a JSON object, got ${describe(o)}`);
      return o;
    }
    case "string":
      if (typeof v !== "string") throw new RpcParamsError(`${name} must be a string, got ${describe(v)}`);
      if (v.length > kind.maxLength) throw new RpcParamsError(`${name} is longer than ${kind.maxLength} characters`);
      if (kind.pattern && !kind.pattern.test(v)) throw new RpcParamsError(`${name} is not in the expected format`);
      return v;
  }
}

/**
 * Checks raw params (anything the client sent under "params") against `specs`. Unknown named
 * params are dropped (CometBFT ignores them too); extra positional ones are an error.
 */
export function validateParams(specs: readonly ParamSpec[], raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let get: (spec: ParamSpec, i: number) => unknown;
  if (raw === undefined || raw === null) get = () => undefined;
  else if (Array.isArray(raw)) {
    if (raw.length > specs.length)
      throw new RpcParamsError(
        `at most ${specs.length} positional params (${specs.map((s) => s.name).join(", ") || "none"}), got ${raw.length}`,
      );
    get = (_s, i) => raw[i];
  } else if (typeof raw === "object") {
    const obj = raw as Record<string, unknown>;
    // own properties only: a missing "toString" must not read Object.prototype.toString
    get = (s) => (Object.hasOwn(obj, s.name) ? obj[s.name] : undefined);
  } else throw new RpcParamsError("params must be an object of named params or an array of positional ones");
  specs.forEach((spec, i) => {
    const v = check(spec, get(spec, i));
    if (v === undefined) {
      if (spec.required) throw new RpcParamsError(`${spec.name} is required`);
      return;
    }
    out[spec.name] = v;
  });
  return out;
}
