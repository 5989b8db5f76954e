// A LightProvider over a node's RPC: `commit?height=H` for the signed header, `validators?height=H`
// (every page) for the set that signed it, `status` for the latest height. Nothing it returns is
// trusted: the light client verifies it.
import type { StrataClient } from "../rpcClient.ts";
import { commitFromJson, headerFromJson, lightBlockOf, validatorsFromJson, type LightBlock } from "./lightBlock.ts";
import type { LightProvider } from "./lightClient.ts";

type Any = Record<string, any>;

export function rpcProvider(client: StrataClient): LightProvider {
  return {
    async lightBlock(height: number): Promise<LightBlock> {
      const c = await client.call<Any>("commit", { height: String(height) });
      const header = headerFromJson(c.signed_header?.header);
      const commit = commitFromJson(c.signed_header?.commit);
      const vals: Any[] = [];
      for (let page = 1; ; page++) {
        const v = await client.call<Any>("validators", { height: String(height), page: String(page), per_page: "100" });
        vals.push(...(v.validators ?? []));
        if (!Array.isArray(v.validators) || v.validators.length === 0 || vals.length >= Number(v.total)) break;
      }
      return lightBlockOf(header, commit, validatorsFromJson(vals));
    },
    async latestHeight(): Promise<number> {
      return Number((await client.status()).sync_info.latest_block_height);
    },
  };
}
