import type { Command } from "commander";
import { StrataClient } from "../client/rpcClient.ts";
import { formatUnits } from "../client/amount.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { resolveAddress } from "./tx.ts";
import { registerLstQuery } from "./txLst.ts";
import { registerLrtQuery } from "./txLrt.ts";
import { DEFAULT_HOME, DEFAULT_NODE, print, table, type OutputFormat } from "./output.ts";
import { verified, verifiedLine, withVerifyOptions, type VerifyOpts } from "./verifiedQuery.ts";
import { verifyBlockResponse, verifyStoreResponse, verifyTxResponse } from "../client/light/verifiedQuery.ts";
import { Account } from "../state/encoding/types.ts";
import { accountKey } from "../state/modules/bank/store.ts";

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
  withVerifyOptions(
    withQueryOptions(bank.command("balances <addressOrKey>").description("balances of an account")),
  ).action(async (a: string, o: QOpts & VerifyOpts) => {
    if (o.verify) return verifiedBalances(o, resolveAddress(o.home, a));
    const addr = encodeAddress(resolveAddress(o.home, a));
    const r = await new StrataClient(o.node).balances(addr);
    print(o.output, r, () =>
      [
        `account ${addr} at height ${r.height} (nonce ${r.nonce})`,
        table([["DENOM", "AMOUNT"], ...Object.entries(r.balances).map(([d, v]) => [d, formatUnits(BigInt(v))])]),
      ].join("\n"),
    );
  });

  withQueryOptions(bank.command("supply").description("total supply of every denom")).action(async (o: QOpts) => {
    const r = await new StrataClient(o.node).call<{ height: string; supply: Record<string, string> }>("bank_supply");
    print(o.output, r, () =>
      [
        `supply at height ${r.height}`,
        table([["DENOM", "SUPPLY"], ...Object.entries(r.supply).map(([d, v]) => [d, formatUnits(BigInt(v))])]),
      ].join("\n"),
    );
  });

  registerLstQuery(q);
  registerLrtQuery(q);
  const staking = q.command("staking").description("staking queries");
  withQueryOptions(
    staking.command("validators").description("all validators with tokens, power, commission and status"),
  ).action(async (o: QOpts) => {
    const r = await new StrataClient(o.node).call<any>("staking_validators");
    print(o.output, r, () =>
      table([
        ["OPERATOR", "MONIKER", "POWER", "TOKENS", "COMMISSION", "STATUS"],
        ...r.validators.map((v: any) => [
          v.operator,
          v.moniker,
          v.power,
          formatUnits(BigInt(v.tokens)),
          `${(Number(BigInt(v.commissionRate) / 10n ** 14n) / 100).toFixed(2)}%`,
          v.jailed ? "jailed" : v.status,
        ]),
      ]),
    );
  });
  withQueryOptions(staking.command("delegations <addressOrKey>").description("delegations of an account")).action(
    async (a: string, o: QOpts) => {
      const addr = encodeAddress(resolveAddress(o.home, a));
      const r = await new StrataClient(o.node).call<any>("staking_delegations", { address: addr });
      print(o.output, r, () =>
        r.delegations.length
          ? table([
              ["VALIDATOR", "TOKENS", "SHARES"],
              ...r.delegations.map((d: any) => [d.validator, formatUnits(BigInt(d.tokens)), d.shares]),
            ])
          : `${addr} has no delegations`,
      );
    },
  );
  withQueryOptions(staking.command("unbondings <addressOrKey>").description("pending unbondings of an account")).action(
    async (a: string, o: QOpts) => {
      const addr = encodeAddress(resolveAddress(o.home, a));
      const r = await new StrataClient(o.node).call<any>("staking_unbondings", { address: addr });
      print(o.output, r, () =>
        r.unbondings.length
          ? table([
              ["VALIDATOR", "AMOUNT", "COMPLETES"],
              ...r.unbondings.map((u: any) => [u.validator, formatUnits(BigInt(u.balance)), u.completionTime]),
            ])
          : `${addr} has no unbondings`,
      );
    },
  );
  withQueryOptions(
    q
      .command("distribution")
      .description("distribution queries")
      .command("rewards <addressOrKey>")
      .description("pending staking rewards"),
  ).action(async (a: string, o: QOpts) => {
    const addr = encodeAddress(resolveAddress(o.home, a));
    const r = await new StrataClient(o.node).call<any>("distribution_rewards", { address: addr });
    print(o.output, r, () =>
      [
        table([["VALIDATOR", "REWARDS"], ...r.rewards.map((x: any) => [x.validator, formatUnits(BigInt(x.amount))])]),
        `total  ${formatUnits(BigInt(r.total))} stra`,
      ].join("\n"),
    );
  });

  withQueryOptions(
    q
      .command("params [module]")
      .description("parameters: tx, block, staking, slashing, distribution, lst, lrt, strategy (all if none)"),
  ).action(async (m: string | undefined, o: QOpts) => {
    const r = await new StrataClient(o.node).call<{ params: unknown }>("params", m ? { module: m } : {});
    // text: one `space.field  value` line each, fractions and amounts as the chain stores them
    const lines: string[][] = [];
    const walk = (prefix: string, v: unknown) => {
      if (v && typeof v === "object" && !Array.isArray(v))
        for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
      else lines.push([prefix, typeof v === "string" ? v : JSON.stringify(v)]);
    };
    walk(m ?? "", r.params);
    print(o.output, r, () => table([["PARAM", "VALUE"], ...lines]));
  });

  withVerifyOptions(withQueryOptions(q.command("block [height]").description("a block (latest if no height)"))).action(
    async (h: string | undefined, o: QOpts & VerifyOpts) => {
      const b = await new StrataClient(o.node).call<any>("block", h ? { height: h } : {});
      const hd = b.block.header;
      const v = o.verify ? await verified(o, (lc) => verifyBlockResponse(lc, b)) : undefined;
      if (v && !v.ok) process.exitCode = 1;
      print(o.output, v ? { ...b, verified: v } : b, () =>
        [
          ...(v ? [verifiedLine(v)] : []),
          `height    ${hd.height}`,
          `hash      ${b.block_id.hash}`,
          `time      ${hd.time}`,
          `proposer  ${hd.proposer_address}`,
          `txs       ${b.block.data.txs.length}`,
          `app hash  ${hd.app_hash}`,
          `signers   ${b.block.last_commit.signatures.filter((s: any) => s.block_id_flag === 2).length}`,
        ].join("\n"),
      );
    },
  );

  withVerifyOptions(withQueryOptions(q.command("tx <hash>").description("a committed tx and its result"))).action(
    async (hash: string, o: QOpts & VerifyOpts) => {
      const t = await new StrataClient(o.node).call<any>("tx", o.verify ? { hash, prove: true } : { hash });
      const r = t.tx_result;
      const v = o.verify ? await verified(o, (lc) => verifyTxResponse(lc, t)) : undefined;
      if (v && !v.ok) process.exitCode = 1;
      print(o.output, v ? { ...t, verified: v } : t, () =>
        [
          ...(v ? [verifiedLine(v)] : []),
          `hash    ${t.hash}`,
          `height  ${t.height} (index ${t.index})`,
          `result  ${r.code === 0 ? "ok" : `failed (${r.code}): ${r.log}`}`,
          `gas     ${r.gas_used}`,
          ...r.events.map(
            (e: any) => `event   ${e.type} ${e.attributes.map((a: any) => `${a.key}=${a.value}`).join(" ")}`,
          ),
        ].join("\n"),
      );
    },
  );

  withQueryOptions(
    q
      .command("txs [addressOrKey]")
      .description(
        "committed txs an account sent (or, with --received, received), newest first; or any tx_search query with --query",
      )
      .option("--received", "txs whose transfer.recipient is the account")
      .option("--query <query>", "an event query, e.g. \"message.action='lst/stake' AND tx.height>100\"")
      .option("--limit <n>", "at most this many (1-100)", "20"),
  ).action(async (a: string | undefined, o: QOpts & { received?: boolean; query?: string; limit: string }) => {
    if (!a && !o.query) throw new Error("give an account (name or address) or --query");
    const limit = Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new Error("--limit must be an integer from 1 to 100");
    const query =
      o.query ??
      `${o.received ? "transfer.recipient" : "message.sender"}='${encodeAddress(resolveAddress(o.home, a!))}'`;
    const r = await new StrataClient(o.node).call<any>("tx_search", {
      query,
      per_page: String(limit),
      order_by: "desc",
    });
    const action = (t: any) =>
      [
        ...new Set(
          t.tx_result.events
            .filter((e: any) => e.type === "message")
            .flatMap((e: any) => e.attributes.filter((x: any) => x.key === "action").map((x: any) => x.value)),
        ),
      ].join(",");
    print(o.output, r, () =>
      r.txs.length
        ? [
            `${r.total_count} txs match ${query}`,
            table([
              ["HEIGHT", "HASH", "RESULT", "ACTION"],
              ...r.txs.map((t: any) => [
                t.height,
                t.hash,
                t.tx_result.code === 0 ? "ok" : `failed (${t.tx_result.code})`,
                action(t),
              ]),
            ]),
          ].join("\n")
        : `no txs match ${query}`,
    );
  });

  withQueryOptions(q.command("validators").description("the validator set with power and proposer priority")).action(
    async (o: QOpts) => {
      const v = await new StrataClient(o.node).call<any>("validators", { per_page: 100 });
      print(o.output, v, () =>
        [
          `validators at height ${v.block_height}`,
          table([
            ["ADDRESS", "POWER", "PRIORITY"],
            ...v.validators.map((x: any) => [x.address, x.voting_power, x.proposer_priority]),
          ]),
        ].join("\n"),
      );
    },
  );

  withQueryOptions(program.command("status").description("node and chain status")).action(async (o: QOpts) => {
    const s = (await new StrataClient(o.node).status()) as Awaited<ReturnType<StrataClient["status"]>> & {
      node_info: { id?: string; other?: { libp2p_peer_id?: string } };
      validator_info?: { address?: string; pub_key?: { value?: string }; voting_power?: string };
    };
    const pub = s.validator_info?.pub_key?.value;
    print(o.output, s, () =>
      [
        `chain      ${s.node_info.network}`,
        `moniker    ${s.node_info.moniker}`,
        `node id    ${s.node_info.id ?? "?"}${s.node_info.other?.libp2p_peer_id ? ` (libp2p ${s.node_info.other.libp2p_peer_id})` : ""}`,
        `validator  ${s.validator_info?.address ?? "?"}, consensus pubkey ${pub ? Buffer.from(pub, "base64").toString("hex") : "?"}, power ${s.validator_info?.voting_power ?? "0"}`,
        `height     ${s.sync_info.latest_block_height}`,
        `block      ${s.sync_info.latest_block_hash}`,
        `app hash   ${s.sync_info.latest_app_hash}`,
        `time       ${s.sync_info.latest_block_time}`,
      ].join("\n"),
    );
  });
}

/**
 * `query bank balances --verify`: the account record itself, read with abci_query "/store" and
 * its proof, checked against a verified header; balances and nonce are decoded from the proven
 * bytes. An account the node says does not exist is proven absent the same way (docs/rpc.md).
 */
async function verifiedBalances(o: QOpts & VerifyOpts, address: Uint8Array): Promise<void> {
  const key = accountKey(address);
  const q = await new StrataClient(o.node).call<any>("abci_query", {
    path: "/store",
    data: Buffer.from(key).toString("hex"),
    prove: true,
  });
  let account: { nonce: string; balances: Record<string, string> } | undefined;
  let absent = false;
  const v = await verified(o, async (lc) => {
    const r = await verifyStoreResponse(lc, q.response, key);
    if (r.value === null) {
      absent = true;
      return r;
    }
    const a = Account.deserialize(r.value);
    account = {
      nonce: a.nonce.toString(),
      balances: Object.fromEntries(a.balances.map((c) => [Buffer.from(c.denom).toString(), c.amount.toString()])),
    };
    return r;
  });
  if (!v.ok) process.exitCode = 1;
  const addr = encodeAddress(address);
  print(o.output, { address: addr, height: q.response.height, ...(account ?? {}), exists: !absent, verified: v }, () =>
    [
      verifiedLine(v),
      ...(absent ? [`account ${addr} does not exist at height ${q.response.height} (proven absent)`] : []),
      ...(account
        ? [
            `account ${addr} at height ${q.response.height} (nonce ${account.nonce})`,
            table([
              ["DENOM", "AMOUNT"],
              ...Object.entries(account.balances).map(([d, x]) => [d, formatUnits(BigInt(x))]),
            ]),
          ]
        : []),
    ].join("\n"),
  );
}
