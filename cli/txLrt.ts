import type { Command } from "commander";
import { formatCoin, formatUnits, parseAmount } from "../client/amount.ts";
import { StrataClient } from "../client/rpcClient.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { sendTx, withTxOptions, resolveAddress, type TxOpts } from "./tx.ts";
import { aprText, DEFAULT_HOME, DEFAULT_NODE, print, table, type OutputFormat } from "./output.ts";

function amountIn(s: string, denom: string): bigint {
  const c = parseAmount(s);
  if (c.denom !== denom) throw new Error(`expected an amount in ${denom}, e.g. 10${denom}`);
  return c.amount;
}
const pct = aprText;

export function registerLrtTx(tx: Command): void {
  const lrt = tx.command("lrt").description("liquid restaking: ststra → rststra");
  withTxOptions(lrt.command("restake <amount>").description("restake ststra, receive rststra (e.g. 10ststra)")).action(
    async (a: string, o: TxOpts) => {
      const amount = amountIn(a, "ststra");
      await sendTx(o, [{ type: "lrt/restake", value: { amount } }], `restake ${formatCoin(amount, "ststra")}`);
    },
  );
  withTxOptions(
    lrt
      .command("withdraw <amount>")
      .description("burn rststra for ststra paid after the withdrawal delay (e.g. 5rststra)"),
  ).action(async (a: string, o: TxOpts) => {
    const amount = amountIn(a, "rststra");
    await sendTx(
      o,
      [{ type: "lrt/request_withdrawal", value: { amount } }],
      `request withdrawal of ${formatCoin(amount, "rststra")}`,
    );
  });
  withTxOptions(lrt.command("claim <requestId>").description("claim a matured restaking withdrawal")).action(
    async (id: string, o: TxOpts) => {
      if (!/^[1-9]\d*$/.test(id))
        throw new Error("requestId must be a positive integer (see `strata query lrt requests`)");
      await sendTx(o, [{ type: "lrt/claim", value: { requestId: Number(id) } }], `claim restaking request ${id}`);
    },
  );
  withTxOptions(
    tx
      .command("params")
      .description("(authority) parameter updates")
      .command("update <module> <json>")
      .description(
        'e.g. `strata tx params update lrt \'{"weights":[{"strategy":"avs-oracle","weight":"1000000000000000000"}]}\'`',
      ),
  ).action(async (module: string, json: string, o: TxOpts) => {
    let params: unknown;
    try {
      params = JSON.parse(json);
    } catch (e) {
      throw new Error(`params must be JSON: ${(e as Error).message}`);
    }
    await sendTx(o, [{ type: "params/update", value: { module, params } }], `update ${module} params`);
  });
  const st = tx.command("strategy").description("restaking services and the ststra/stra pool");
  withTxOptions(st.command("opt-in <service>").description("(validator operator) serve a restaking service")).action(
    async (s: string, o: TxOpts) => {
      await sendTx(o, [{ type: "strategy/opt_in", value: { service: s } }], `opt in to ${s}`);
    },
  );
  withTxOptions(
    st.command("opt-out <service>").description("(validator operator) stop serving a restaking service"),
  ).action(async (s: string, o: TxOpts) => {
    await sendTx(o, [{ type: "strategy/opt_out", value: { service: s } }], `opt out of ${s}`);
  });
  withTxOptions(
    st
      .command("swap <pool> <amount>")
      .description("swap stra↔ststra, e.g. `swap pool-ststra 5ststra --min-out 4.9stra`")
      .option("--min-out <amount>", "least you accept (default: 0)"),
  ).action(async (pool: string, a: string, o: TxOpts & { minOut?: string }) => {
    const c = parseAmount(a);
    const minOut = o.minOut ? parseAmount(o.minOut).amount : 0n;
    await sendTx(
      o,
      [{ type: "strategy/swap", value: { pool, denomIn: c.denom, amountIn: c.amount, minOut } }],
      `swap ${formatCoin(c.amount, c.denom)} in ${pool}`,
    );
  });
  withTxOptions(
    st.command("add-liquidity <pool> <maxStra> <maxStstra>").description("provide liquidity at the pool ratio"),
  ).action(async (pool: string, a: string, b: string, o: TxOpts) => {
    await sendTx(
      o,
      [
        {
          type: "strategy/add_liquidity",
          value: { pool, maxStra: amountIn(a, "stra"), maxStstra: amountIn(b, "ststra") },
        },
      ],
      `add liquidity to ${pool}`,
    );
  });
  withTxOptions(
    st.command("remove-liquidity <pool> <shares>").description("withdraw liquidity (shares in base units)"),
  ).action(async (pool: string, shares: string, o: TxOpts) => {
    if (!/^\d+$/.test(shares)) throw new Error("shares must be an integer");
    await sendTx(
      o,
      [{ type: "strategy/remove_liquidity", value: { pool, shares: BigInt(shares) } }],
      `remove liquidity from ${pool}`,
    );
  });
}

export function registerLrtQuery(q: Command): void {
  const opts = (c: Command) =>
    c
      .option("--home <dir>", "home (to resolve key names)", DEFAULT_HOME)
      .option("--node <url>", "RPC endpoint", DEFAULT_NODE)
      .option("--output <format>", "json|text", "text");
  const lrt = q.command("lrt").description("liquid restaking queries");
  opts(lrt.command("state").description("rate, TVL, allocations and exposure")).action(
    async (o: { node: string; output: OutputFormat }) => {
      const s = await new StrataClient(o.node).call<any>("lrt_state");
      print(o.output, s, () =>
        [
          `rate      ${formatUnits(BigInt(s.rate))} stra per rststra`,
          `TVL       ${formatUnits(BigInt(s.tvl))} stra`,
          `supply    ${formatUnits(BigInt(s.supply))} rststra`,
          `APR       ${pct(s.apr)}`,
          table([
            ["STRATEGY", "ALLOCATED (ststra)", "OPERATORS"],
            ...s.allocations.map((a: any) => [a.strategy, formatUnits(BigInt(a.value)), String(a.operators.length)]),
          ]),
        ].join("\n"),
      );
    },
  );
  opts(lrt.command("requests <addressOrKey>").description("restaking withdrawal requests")).action(
    async (a: string, o: { home: string; node: string; output: OutputFormat }) => {
      const addr = encodeAddress(resolveAddress(o.home, a));
      const r = await new StrataClient(o.node).call<any>("lrt_requests", { address: addr });
      print(o.output, r, () =>
        r.requests.length
          ? table([
              ["ID", "STSTRA", "CLAIMABLE FROM", "STATUS"],
              ...r.requests.map((x: any) => [
                x.id,
                formatUnits(BigInt(x.ststra)),
                x.claimableAt,
                x.claimed ? "paid" : "pending",
              ]),
            ])
          : `${addr} has no requests`,
      );
    },
  );
  const st = q.command("strategy").description("strategy queries");
  opts(st.command("list").description("services and pools")).action(
    async (o: { node: string; output: OutputFormat }) => {
      const s = await new StrataClient(o.node).call<any>("strategy_list");
      print(o.output, s, () =>
        table([
          ["ID", "KIND", "VALUE / RESERVES", "DETAIL"],
          ...s.strategies.map((x: any) =>
            x.kind === "service"
              ? [
                  x.id,
                  "service",
                  `${formatUnits(BigInt(x.value))} ststra`,
                  `${x.operators.length} operators, reward ${pct(x.rewardRate)}/yr, slash ${pct(x.slashFraction)} (double sign), ${pct(x.downtimeSlashFraction)} (downtime)`,
                ]
              : [
                  x.id,
                  "pool",
                  `${formatUnits(BigInt(x.reserveStra))} stra / ${formatUnits(BigInt(x.reserveStstra))} ststra`,
                  `price ${formatUnits(BigInt(x.price))}, depeg ${pct(x.depeg)}`,
                ],
          ),
        ]),
      );
    },
  );
  opts(
    q.command("yields").description("staking vs liquid staking vs liquid restaking: APR, liquidity, depeg, exposure"),
  ).action(async (o: { node: string; output: OutputFormat }) => {
    const y = await new StrataClient(o.node).call<any>("chain_yields");
    print(o.output, y, () =>
      [
        table([
          ["LAYER", "APR", "LIQUIDITY"],
          ["staking", pct(y.staking.apr), y.staking.liquidity],
          ["lst (ststra)", pct(y.lst.apr), y.lst.liquidity],
          ["lrt (rststra)", pct(y.lrt.apr), y.lrt.liquidity],
        ]),
        ...y.depeg.map((d: any) => `depeg of ststra in ${d.pool}: ${pct(d.depeg)}`),
      ].join("\n"),
    );
  });
}
