import type { Command } from "commander";
import { StrataClient } from "../client/rpcClient.ts";
import { formatUnits } from "../client/amount.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { resolveAddress } from "./tx.ts";
import { DEFAULT_HOME, DEFAULT_NODE, print, table, type OutputFormat } from "./output.ts";

type QOpts = { home: string; node: string; output: OutputFormat };

function withQueryOptions(c: Command): Command {
  return c
    .option("--home <dir>", "home directory holding keys/ (to resolve key names)", DEFAULT_HOME)
    .option("--node <url>", "RPC endpoint", DEFAULT_NODE)
    .option("--output <format>", "json|text", "text");
}

export function registerQuery(program: Command): void {
  const q = program.command("query").alias("q").description("read chain state over RPC");
  const bank = q.command("bank").description("bank module queries");
  withQueryOptions(bank.command("balances <addressOrKey>").description("balances of an account")).action(async (a: string, o: QOpts) => {
    const addr = encodeAddress(resolveAddress(o.home, a));
    const r = await new StrataClient(o.node).balances(addr);
    print(o.output, r, () =>
      [`account ${addr} at height ${r.height} (nonce ${r.nonce})`, table([["DENOM", "AMOUNT"], ...Object.entries(r.balances).map(([d, v]) => [d, formatUnits(BigInt(v))])])].join("\n"),
    );
  });

  withQueryOptions(program.command("status").description("node and chain status")).action(async (o: QOpts) => {
    const s = await new StrataClient(o.node).status();
    print(o.output, s, () =>
      [
        `chain      ${s.node_info.network}`,
        `moniker    ${s.node_info.moniker}`,
        `height     ${s.sync_info.latest_block_height}`,
        `block      ${s.sync_info.latest_block_hash}`,
        `app hash   ${s.sync_info.latest_app_hash}`,
        `time       ${s.sync_info.latest_block_time}`,
      ].join("\n"),
    );
  });
}
