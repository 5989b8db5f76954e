// `strata validator …`: what an operator asks of their own validator. The validator is found from
// the node home (its consensus key; a genesis validator's operator account is that key) or from
// --operator for a validator created with create_validator from a keyring key.
import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { StrataClient } from "../client/rpcClient.ts";
import { formatUnits } from "../client/amount.ts";
import { encodeAddress } from "../state/crypto/address.ts";
import { homePaths, loadConfig } from "../node/config.ts";
import { listKeys } from "../client/keyring.ts";
import { loadValidatorKey } from "../node/validatorKey.ts";
import { resolveAddress, sendTx, withTxOptions, type TxOpts } from "./tx.ts";
import { DEFAULT_HOME, DEFAULT_NODE, print, type OutputFormat } from "./output.ts";
import { keyringDir, VALIDATOR_KEY_SIGNER } from "./keys.ts";

type VOpts = { home: string; node?: string; operator?: string; output: OutputFormat };

const E18 = 10n ** 18n;
const pct = (s: string, d = 2) => `${(Number((BigInt(s) * 10n ** BigInt(d + 2)) / E18) / 10 ** d).toFixed(d)} %`;

/**
 * The RPC of the node this home runs (its config's rpc port), unless --node names another: the
 * status must not mix another node's height with this home's sign state.
 */
function nodeOf(o: { home: string; node?: string }): string {
  if (o.node) return o.node;
  const cfg = homePaths(o.home).config;
  if (!existsSync(cfg)) return DEFAULT_NODE;
  const c = loadConfig(o.home);
  return `http://${c.rpc.host === "0.0.0.0" ? "127.0.0.1" : c.rpc.host}:${c.rpc.port}`;
}

/**
 * The operator of the validator this home runs: --operator if given; else the validator whose
 * consensus key is the home's (a genesis validator's operator is that key's address; one created
 * with create-validator from a keyring key has another operator, found on chain by the key).
 */
async function operatorOf(o: { home: string; operator?: string }, node: string): Promise<string> {
  if (o.operator) return encodeAddress(resolveAddress(o.home, o.operator));
  const path = homePaths(o.home).validatorKey;
  if (!existsSync(path))
    throw new Error(`no validator key at ${path}: pass --home <node home> or --operator <address|key>`);
  const pubkey = Buffer.from(loadValidatorKey(path).pubkey).toString("hex");
  const vals = (
    await new StrataClient(node).call<{ validators: { operator: string; consensusPubkey: string }[] }>(
      "staking_validators",
    )
  ).validators;
  const mine = vals.find((v) => v.consensusPubkey.toLowerCase() === pubkey.toLowerCase());
  if (!mine)
    throw new Error(
      `no validator on chain uses this home's consensus key (${pubkey.slice(0, 16)}…): create it with \`strata tx staking create-validator --pubkey ${path}\`, or pass --operator`,
    );
  return mine.operator;
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
  const node = nodeOf(o);
  const operator = await operatorOf(o, node);
  const c = new StrataClient(node);
  const [status, v, info, vals, block] = await Promise.all([
    c.status(),
    c.call<any>("staking_validator", { address: operator }),
    c.call<any>("slashing_signing_info", { address: operator }),
    c.call<any>("staking_validators"),
    c.call<any>("block"),
  ]);
  const bonded = (vals.validators as any[])
    .filter((x) => x.status === "bonded" && !x.jailed)
    .reduce((a, x) => a + BigInt(x.power), 0n);
  const val = v.validator;
  const sig = (block.block.last_commit.signatures as any[]).find((s) => s.validator_address === val.consensusAddress);
  const window = Number(info.signedBlocksWindow);
  const seen = Math.min(window, Number(info.indexOffset));
  // a jailed validator is out of the set: it signs nothing, and its window restarts at unjail
  const inSet = val.status === "bonded" && !val.jailed;
  return {
    operator,
    moniker: val.moniker,
    consensusAddress: val.consensusAddress,
    status: val.tombstoned ? "tombstoned" : val.jailed ? "jailed" : val.status,
    jailedUntil: info.jailedUntil,
    power: val.power,
    powerShare:
      bonded > 0n && val.status === "bonded" && !val.jailed ? Number((BigInt(val.power) * 10_000n) / bonded) / 100 : 0,
    tokens: val.tokens,
    commissionRate: val.commissionRate,
    signing: {
      inActiveSet: inSet,
      window,
      missedInWindow: inSet ? Number(info.missedBlocksCounter) : null,
      signedInWindow: inSet ? seen - Number(info.missedBlocksCounter) : null,
      signedLastBlock: sig?.block_id_flag === 2,
      lastBlockHeight: block.block.header.height,
    },
    rewards: { commission: v.commission, outstanding: v.outstanding },
    node: {
      url: node,
      height: status.sync_info.latest_block_height,
      catchingUp: status.sync_info.catching_up,
      signState: signState(o.home) ?? null,
    },
  };
}

export function registerValidator(program: Command): void {
  const val = program.command("validator").description("operate your validator: status, unjail");
  val
    .command("status")
    .description("signing record, missed blocks, jailed state, power and rewards of your validator")
    .option("--home <dir>", "node home (its validator_key.json names the validator)", DEFAULT_HOME)
    .option(
      "--operator <addressOrKey>",
      "the validator's operator address or key name, when it is not the home's consensus key",
    )
    .option("--node <url>", "RPC endpoint (default: the home's own RPC port)")
    .option("--output <format>", "json|text", "text")
    .action(async (o: VOpts) => {
      const s = await validatorStatus(o);
      print(o.output, s, () =>
        [
          `validator ${s.moniker} (${s.operator})`,
          `  status        ${s.status}${s.jailedUntil ? ` until ${s.jailedUntil}` : ""}`,
          `  power         ${s.power} (${s.powerShare.toFixed(2)} % of the active set)`,
          `  commission    ${pct(s.commissionRate)}`,
          s.signing.inActiveSet
            ? `  signing       ${s.signing.signedInWindow} of the last ${s.signing.signedInWindow! + s.signing.missedInWindow!} blocks signed, ${s.signing.missedInWindow} missed (window ${s.signing.window})`
            : `  signing       not in the active set (${s.status}): signs no blocks`,
          `  last block    ${s.signing.lastBlockHeight}: ${s.signing.signedLastBlock ? "signed" : "NOT signed"}`,
          `  rewards       commission ${formatUnits(BigInt(s.rewards.commission))} stra, outstanding ${formatUnits(BigInt(s.rewards.outstanding))} stra`,
          `  node          ${s.node.url} at height ${s.node.height}${s.node.catchingUp ? " (catching up)" : ""}${s.node.signState ? `; last signed h=${s.node.signState.height} r=${s.node.signState.round}` : ""}`,
          s.status === "jailed" ? `hint: after the jail time, run \`strata validator unjail --home ${o.home}\`` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    });
  withTxOptions(
    val.command("unjail").description("return your jailed validator to the active-set candidates after its jail time"),
    "optional",
  )
    .option(
      "--from <key>",
      "signing key; defaults to the validator's operator: the home's consensus key for a genesis validator, else the keyring key of the operator address",
    )
    .option("--operator <addressOrKey>", "the validator's operator, when it is not found from the home's consensus key")
    .action(async (o: TxOpts & { operator?: string }, cmd: Command) => {
      // the home's own node unless --node was given (withTxOptions gives it a default)
      const node = nodeOf({ home: o.home, node: cmd.getOptionValueSource("node") === "cli" ? o.node : undefined });
      await sendTx(
        { ...o, node, from: o.from ?? (await operatorSigner(o.home, o.operator, node)) },
        [{ type: "slashing/unjail", value: {} }],
        "unjail",
      );
    });
}

/**
 * Who signs for the validator: the operator. A genesis validator's operator is its consensus key;
 * one created with create-validator is the keyring key that sent it, found by address.
 */
async function operatorSigner(home: string, operator: string | undefined, node: string): Promise<string> {
  const op = await operatorOf({ home, operator }, node);
  const path = homePaths(home).validatorKey;
  if (existsSync(path) && encodeAddress(loadValidatorKey(path).address) === op) return VALIDATOR_KEY_SIGNER;
  const key = listKeys(keyringDir(home)).find((k) => k.address === op);
  if (!key)
    throw new Error(
      `the operator ${op} is not the home's consensus key and no key in ${keyringDir(home)} has its address: pass --from <its key> (and --home of that keyring)`,
    );
  return key.name;
}
