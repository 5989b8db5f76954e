// `strata validator …`: what an operator asks of their own validator. The validator is found from
// the node home (its consensus key; a genesis validator's operator account is that key) or from
// --operator for a validator created with create_validator from a keyring key.
import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { StrataClient } from "../client/rpcClient.ts";
import { formatUnits } from "../client/amount.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { homePaths } from "../node/config.ts";
import { loadValidatorKey } from "../node/validatorKey.ts";
import { resolveAddress, sendTx, withTxOptions, type TxOpts } from "./tx.ts";
import { DEFAULT_HOME, DEFAULT_NODE, print, type OutputFormat } from "./output.ts";
import { VALIDATOR_KEY_SIGNER } from "./keys.ts";

type VOpts = { home: string; node: string; operator?: string; output: OutputFormat };

const E18 = 10n ** 18n;
const pct = (s: string, d = 2) => `${(Number((BigInt(s) * 10n ** BigInt(d + 2)) / E18) / 10 ** d).toFixed(d)} %`;

function operatorOf(o: { home: string; operator?: string }): string {
  if (o.operator) return encodeAddress(resolveAddress(o.home, o.operator));
  const path = homePaths(o.home).validatorKey;
  if (!existsSync(path)) throw new Error(`no validator key at ${path}: pass --home <node home> or --operator <address|key>`);
  return encodeAddress(loadValidatorKey(path).address);
}

/** The node's last-sign record (height/round/step), read without touching the node. */
function signState(home: string): { height: number; round: number; step: number } | undefined {
  const p = homePaths(home).signState;
  if (!existsSync(p)) return undefined;
  try {
    const j = JSON.parse(readFileSync(p, "utf8"));
    return { height: j.height, round: j.round, step: j.step };
  } catch {
    return undefined;
  }
}

export async function validatorStatus(o: VOpts) {
  const operator = operatorOf(o);
  const c = new StrataClient(o.node);
  const [status, v, info, vals, block] = await Promise.all([
    c.status(),
    c.call<any>("staking_validator", { address: operator }),
    c.call<any>("slashing_signing_info", { address: operator }),
    c.call<any>("staking_validators"),
    c.call<any>("block"),
  ]);
  const bonded = (vals.validators as any[]).filter((x) => x.status === "bonded" && !x.jailed).reduce((a, x) => a + BigInt(x.power), 0n);
  const val = v.validator;
  const sig = (block.block.last_commit.signatures as any[]).find((s) => s.validator_address === val.consensusAddress);
  const window = Number(info.signedBlocksWindow);
  const seen = Math.min(window, Number(info.indexOffset));
  return {
    operator,
    moniker: val.moniker,
    consensusAddress: val.consensusAddress,
    status: val.tombstoned ? "tombstoned" : val.jailed ? "jailed" : val.status,
    jailedUntil: info.jailedUntil,
    power: val.power,
    powerShare: bonded > 0n && val.status === "bonded" && !val.jailed ? Number((BigInt(val.power) * 10_000n) / bonded) / 100 : 0,
    tokens: val.tokens,
    commissionRate: val.commissionRate,
    signing: {
      window,
      missedInWindow: Number(info.missedBlocksCounter),
      signedInWindow: seen - Number(info.missedBlocksCounter),
      signedLastBlock: sig?.block_id_flag === 2,
      lastBlockHeight: block.block.header.height,
    },
    rewards: { commission: v.commission, outstanding: v.outstanding },
    node: { url: o.node, height: status.sync_info.latest_block_height, catchingUp: status.sync_info.catching_up, signState: signState(o.home) ?? null },
  };
}

export function registerValidator(program: Command): void {
  const val = program.command("validator").description("operate your validator: status, unjail");
  val
    .command("status")
    .description("signing record, missed blocks, jailed state, power and rewards of your validator")
    .option("--home <dir>", "node home (its validator_key.json names the validator)", DEFAULT_HOME)
    .option("--operator <addressOrKey>", "the validator's operator address or key name, when it is not the home's consensus key")
    .option("--node <url>", "RPC endpoint", DEFAULT_NODE)
    .option("--output <format>", "json|text", "text")
    .action(async (o: VOpts) => {
      const s = await validatorStatus(o);
      print(o.output, s, () =>
        [
          `validator ${s.moniker} (${s.operator})`,
          `  status        ${s.status}${s.jailedUntil ? ` until ${s.jailedUntil}` : ""}`,
          `  power         ${s.power} (${s.powerShare.toFixed(2)} % of the active set)`,
          `  commission    ${pct(s.commissionRate)}`,
          `  signing       ${s.signing.signedInWindow} of the last ${s.signing.signedInWindow + s.signing.missedInWindow} blocks signed, ${s.signing.missedInWindow} missed (window ${s.signing.window})`,
          `  last block    ${s.signing.lastBlockHeight}: ${s.signing.signedLastBlock ? "signed" : "NOT signed"}`,
          `  rewards       commission ${formatUnits(BigInt(s.rewards.commission))} stra, outstanding ${formatUnits(BigInt(s.rewards.outstanding))} stra`,
          `  node          ${s.node.url} at height ${s.node.height}${s.node.catchingUp ? " (catching up)" : ""}${s.node.signState ? `; last signed h=${s.node.signState.height} r=${s.node.signState.round}` : ""}`,
          s.status === "jailed" ? `hint: after the jail time, run \`strata validator unjail --home ${o.home}\`` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    });
  withTxOptions(val.command("unjail").description("return your jailed validator to the active-set candidates after its jail time"), "optional")
    .option("--from <key>", "signing key; defaults to the node home's consensus key (a genesis validator's operator)")
    .action(async (o: TxOpts) => {
      await sendTx({ ...o, from: o.from ?? validatorKeySigner(o.home) }, [{ type: "slashing/unjail", value: {} }], "unjail");
    });
}

function validatorKeySigner(home: string): string {
  if (!existsSync(homePaths(home).validatorKey)) throw new Error(`no validator key at ${homePaths(home).validatorKey}: pass --home <node home> or --from <key>`);
  return VALIDATOR_KEY_SIGNER;
}
