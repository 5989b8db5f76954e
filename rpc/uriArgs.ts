// CometBFT's URI form (rpc/jsonrpc/server/http_uri_handler.go): a value in double quotes is a
// JSON string (`?query="tx.height=5"`), a value starting with 0x is bytes in hex (`?hash=0x…`,
// `?tx=0x…`), anything else is taken as it is (numbers, true/false). We turn each into the
// encoding our JSON-RPC params use: bytes params are base64 (`tx`) or hex (`hash`, `data`).
import { RpcParamsError } from "./jsonrpc.ts";

/** params whose JSON-RPC form is base64 (all other 0x… values are passed on as bare hex) */
const BASE64_PARAMS = new Set(["tx"]);

export function uriArg(name: string, v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      const s = JSON.parse(v) as unknown;
      if (typeof s === "string") return s;
    } catch {
      /* not valid JSON string escapes: take what is between the quotes */
    }
    return v.slice(1, -1);
  }
  if (/^0x/i.test(v)) {
    const h = v.slice(2);
    if (!/^[0-9a-fA-F]*$/.test(h) || h.length % 2)
      throw new RpcParamsError(`${name}: 0x… must be followed by an even number of hex digits`);
    return BASE64_PARAMS.has(name) ? Buffer.from(h, "hex").toString("base64") : h;
  }
  return v;
}
