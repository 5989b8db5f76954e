import type { Command } from "commander";
import { formatCoin, formatUnits, parseAmount } from "../client/amount.ts";
import { StrataClient } from "../client/rpcClient.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { sendTx, withTxOptions, resolveAddress, type TxOpts } from "./tx.ts";
import { aprText, DEFAULT_HOME, DEFAULT_NODE, print, table, type OutputFormat } from "./output.ts";

function amountOf(s: string, denom: "stra" | "ststra"): bigint {
  const c = parseAmount(s);
  if (c.denom !== denom) throw new Error(`expected an amount in ${denom}, e.g. 100${denom}`);
  return c.amount;
}

const rateText = (r: string) => formatUnits(BigInt(r));

export function registerLstTx(tx: Command): void {
  const lst = tx.command("lst").description("liquid staking: stra → ststra");
  withTxOptions(
    lst.command("stake <amount>").description("stake stra, receive ststra at the current rate (e.g. 100stra)"),
  ).action(async (a: string, o: TxOpts) => {
    const amount = amountOf(a, "stra");
    await sendTx(o, [{ type: "lst/stake", value: { amount } }], `liquid-stake ${formatCoin(amount, "stra")}`);
  });
  withTxOptions(
    lst
      .command("unstake <amount>")
      .description("burn ststra for a withdrawal request paid in stra after unbonding (e.g. 5ststra)"),
  ).action(async (a: string, o: TxOpts) => {
    const amount = amountOf(a, "ststra");
    await sendTx(o, [{ type: "lst/unstake", value: { amount } }], `unstake ${formatCoin(amount, "ststra")}`);
  });
  withTxOptions(lst.command("claim <requestId>").description("claim a matured withdrawal request")).action(
    async (id: string, o: TxOpts) => {
      if (!/^[1-9]\d*$/.test(id))
        throw new Error("requestId must be a positive integer (see `strata query lst requests`)");
      await sendTx(o, [{ type: "lst/claim", value: { requestId: Number(id) } }], `claim request ${id}`);
    },
  );
  withTxOptions(lst.command("resume").description("(authority) lift the circuit breaker")).action(async (o: TxOpts) => {
    await sendTx(o, [{ type: "lst/resume", value: {} }], "resume liquid staking");
  });
}

export function registerLstQuery(q: Command): void {
  const lst = q.command("lst").description("liquid staking queries");
  const opts = (c: Command) =>
    c
      .option("--home <dir>", "home (to resolve key names)", DEFAULT_HOME)
      .option("--node <url>", "RPC endpoint", DEFAULT_NODE)
      .option("--output <format>", "json|text", "text");
  opts(lst.command("state").description("rate, pooled stake, supply, APR, halted")).action(
    async (o: { node: string; output: OutputFormat }) => {
      const s = await new StrataClient(o.node).call<any>("lst_state");
      print(o.output, s, () =>
        [
          `rate        ${rateText(s.rate)} stra per ststra`,
          `pooled      ${formatUnits(BigInt(s.pooled))} stra`,
          `supply      ${formatUnits(BigInt(s.supply))} ststra`,
          `epoch       ${s.epoch} (every ${s.epochBlocks} blocks)`,
          `fee         ${Number(BigInt(s.protocolFee) / 10n ** 14n) / 100}%`,
          `APR         ${s.apr === null ? "— (measured once the rate history spans 10 minutes)" : aprText(s.apr)}`,
          `halted      ${s.halted ? "YES — stake/unstake paused until the authority resumes" : "no"}`,
          s.perValidator.length
            ? table([
                ["VALIDATOR", "MONIKER", "STAKE"],
                ...s.perValidator.map((v: any) => [v.validator, v.moniker, formatUnits(BigInt(v.stake))]),
              ])
            : "",
        ].join("\n"),
      );
    },
  );
  opts(lst.command("requests <addressOrKey>").description("withdrawal requests of an account")).action(
    async (a: string, o: { home: string; node: string; output: OutputFormat }) => {
      const addr = encodeAddress(resolveAddress(o.home, a));
      const r = await new StrataClient(o.node).call<any>("lst_requests", { address: addr });
      print(o.output, r, () =>
        r.requests.length
          ? table([
              ["ID", "AMOUNT (STRA)", "CLAIMABLE FROM", "STATUS"],
              ...r.requests.map((x: any) => [
                x.id,
                (x.status === "queued" ? "≤ " : "") + formatUnits(BigInt(x.amount)),
                x.claimableAt ?? `end of epoch ${x.epoch}`,
                x.status === "claimed" ? "paid" : x.status,
              ]),
            ])
          : `${addr} has no withdrawal requests`,
      );
    },
  );
}
