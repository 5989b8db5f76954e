import type { Command } from "commander";
import { listKeys } from "../client/keyring.ts";
import { formatCoin, parseAmount } from "../client/amount.ts";
import { feeFor, signTx, type AnyMsg } from "../client/tx.ts";
import { StrataClient } from "../client/rpcClient.ts";
import { decodeAddress, isAddress } from "../state/crypto/address.ts";
import { errorName } from "../state/errors.ts";
import { DEFAULT_PARAMS_GAS_PRICE } from "./defaults.ts";
import { registerStakingTx } from "./txStaking.ts";
import { registerLstTx } from "./txLst.ts";
import { registerLrtTx } from "./txLrt.ts";
import { keyringDir, loadSigningKey } from "./keys.ts";
import { DEFAULT_HOME, DEFAULT_NODE, humanUnits, print, type OutputFormat } from "./output.ts";
import { describeEvents, type TxEvent } from "./txResult.ts";

export type TxOpts = {
  from: string;
  home: string;
  node: string;
  output: OutputFormat;
  gasPrice: string;
  memo?: string;
  wait: boolean;
  yes?: boolean;
  force?: boolean;
};

export function withTxOptions(c: Command, from: "required" | "optional" = "required"): Command {
  const withFrom =
    from === "required"
      ? c.requiredOption(
          "--from <key>",
          "name or address of the signing key in the keyring, or @validator-key for <home>/validator_key.json",
        )
      : c;
  return withFrom
    .option("--home <dir>", "home directory holding keys/", DEFAULT_HOME)
    .option("--node <url>", "RPC endpoint", DEFAULT_NODE)
    .option("--gas-price <n>", "fee per gas in base units", DEFAULT_PARAMS_GAS_PRICE.toString())
    .option("--memo <text>", "memo (≤ 256 bytes)")
    .option("--no-wait", "return after the mempool accepts the tx, without waiting for a block")
    .option("--yes", "do not ask for confirmation (txs are never interactive; accepted for scripts)")
    .option("--force", "send even when the dry run says the chain would refuse the tx (its fee is then charged)")
    .option("--output <format>", "json|text", "text");
}

/** An address, or the name of a key in the keyring. */
export function resolveAddress(home: string, s: string): Uint8Array {
  if (isAddress(s)) return decodeAddress(s);
  const k = listKeys(keyringDir(home)).find((k) => k.name === s);
  if (!k) throw new Error(`"${s}" is neither a strata1… address nor a key name in ${keyringDir(home)}`);
  return decodeAddress(k.address);
}

export async function sendTx(o: TxOpts, msgs: AnyMsg[], describe: string): Promise<void> {
  const key = await loadSigningKey(o.home, o.from);
  const client = new StrataClient(o.node);
  const [status, acct] = await Promise.all([client.status(), client.balances(key.address)]);
  const unsigned = { chainId: status.node_info.network, nonce: BigInt(acct.nonce), msgs, memo: o.memo };
  const fee = feeFor(unsigned, BigInt(o.gasPrice));
  const { bytes, hash } = signTx(key.seed, { ...unsigned, fee });
  // dry run first: a failure the chain would charge for (a claim not yet mature, an unknown
  // request, funds short…) is refused here, before anything is sent or paid
  if (!o.force) {
    const sim = await client.checkTx(bytes);
    if (sim.code !== 0 && sim.charged) {
      throw new Error(
        `not sent: the chain would refuse this tx with ${errorName(sim.code)}(${sim.code}): ${humanUnits(sim.log)} (nothing was charged; --force sends it anyway and pays the fee)`,
      );
    }
  }
  const res = await client.broadcastTxSync(bytes);
  if (res.code !== 0) throw new Error(`tx rejected: ${errorName(res.code)}(${res.code}): ${humanUnits(res.log)}`);
  if (!o.wait) {
    print(
      o.output,
      { hash, code: 0, status: "accepted into mempool" },
      () => `${describe}\naccepted into mempool, hash ${hash}`,
    );
    return;
  }
  const r = await client.waitForTx(hash);
  const ok = r.tx_result.code === 0;
  const events = r.tx_result.events as TxEvent[];
  print(
    o.output,
    {
      hash,
      height: r.height,
      code: r.tx_result.code,
      log: r.tx_result.log,
      gasUsed: r.tx_result.gas_used,
      fee: fee.toString(),
      events,
    },
    () =>
      [
        `${ok ? "✔" : "✘"} ${describe}`,
        `  height  ${r.height}`,
        `  hash    ${hash}`,
        `  fee     ${formatCoin(fee, "stra")}`,
        ok
          ? `  result  ok`
          : `  result  failed: ${errorName(r.tx_result.code)}(${r.tx_result.code}): ${humanUnits(r.tx_result.log)}`,
        ...describeEvents(events, key.address).map((l) => `  did     ${l}`),
      ].join("\n"),
  );
  if (!ok) process.exitCode = 1;
}

export function registerTx(program: Command): void {
  const tx = program.command("tx").description("sign and submit a transaction");
  registerStakingTx(tx);
  registerLstTx(tx);
  registerLrtTx(tx);
  const bank = tx.command("bank").description("bank module messages");
  withTxOptions(
    bank.command("send <to> <amount>").description("send tokens, e.g. `strata tx bank send bob 10stra --from alice`"),
  ).action(async (to: string, amount: string, o: TxOpts) => {
    const c = parseAmount(amount);
    const toAddr = resolveAddress(o.home, to);
    await sendTx(
      o,
      [{ type: "bank/send", value: { to: toAddr, denom: c.denom, amount: c.amount } }],
      `send ${formatCoin(c.amount, c.denom)} to ${to}`,
    );
  });
}
