import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { formatCoin, parseAmount } from "../client/amount.ts";
import { decodeAddress } from "../state/crypto/address.ts";
import { sendTx, withTxOptions, type TxOpts } from "./tx.ts";
import { resolveValidator } from "./resolveValidator.ts";
import { StrataClient } from "../client/rpcClient.ts";

/** "0.1" → 10^17 (18-decimal fixed point), checked to be within 0..1. */
export function parseRate(s: string, what: string): bigint {
  const m = /^(0|1)(?:\.(\d{1,18}))?$/.exec(s.trim());
  if (!m) throw new Error(`${what} must be a decimal between 0 and 1, e.g. 0.1`);
  const v = BigInt(m[1]) * 10n ** 18n + BigInt((m[2] ?? "").padEnd(18, "0"));
  if (v > 10n ** 18n) throw new Error(`${what} must be at most 1`);
  return v;
}

function stakeAmount(s: string): bigint {
  const c = parseAmount(s);
  if (c.denom !== "stra") throw new Error(`stake is in stra, got ${c.denom}`);
  return c.amount;
}

export function registerStakingTx(tx: Command): void {
  const staking = tx.command("staking").description("staking module messages");
  withTxOptions(
    staking
      .command("create-validator")
      .description("register the signer as a validator operator")
      .requiredOption("--pubkey <hexOrFile>", "consensus ed25519 public key (hex), or a node's validator_key.json")
      .requiredOption("--moniker <name>", "validator name")
      .requiredOption("--self-stake <amount>", "e.g. 100stra")
      .option("--commission-rate <rate>", "0..1", "0.1")
      .option("--max-commission-rate <rate>", "0..1", "0.2"),
  ).action(
    async (
      o: TxOpts & {
        pubkey: string;
        moniker: string;
        selfStake: string;
        commissionRate: string;
        maxCommissionRate: string;
      },
    ) => {
      const hex = /^[0-9a-fA-F]{64}$/.test(o.pubkey)
        ? o.pubkey
        : (JSON.parse(readFileSync(o.pubkey, "utf8")) as { pubkey: string }).pubkey;
      const selfStake = stakeAmount(o.selfStake);
      await sendTx(
        o,
        [
          {
            type: "staking/create_validator",
            value: {
              consensusPubkey: new Uint8Array(Buffer.from(hex, "hex")),
              moniker: o.moniker,
              commissionRate: parseRate(o.commissionRate, "--commission-rate"),
              maxCommissionRate: parseRate(o.maxCommissionRate, "--max-commission-rate"),
              selfStake,
            },
          },
        ],
        `create validator "${o.moniker}" with ${formatCoin(selfStake, "stra")} self stake`,
      );
    },
  );
  withTxOptions(staking.command("delegate <validator> <amount>").description("bond stra to a validator")).action(
    async (v: string, a: string, o: TxOpts) => {
      const amount = stakeAmount(a);
      await sendTx(
        o,
        [{ type: "staking/delegate", value: { validator: await resolveValidator(o.node, v), amount } }],
        `delegate ${formatCoin(amount, "stra")} to ${v}`,
      );
    },
  );
  withTxOptions(
    staking.command("undelegate <validator> <amount>").description("unbond stra (paid after the unbonding time)"),
  ).action(async (v: string, a: string, o: TxOpts) => {
    const amount = stakeAmount(a);
    await sendTx(
      o,
      [{ type: "staking/undelegate", value: { validator: await resolveValidator(o.node, v), amount } }],
      `undelegate ${formatCoin(amount, "stra")} from ${v}`,
    );
  });
  withTxOptions(
    tx
      .command("slashing")
      .description("slashing module messages")
      .command("unjail")
      .description("return the signer's jailed validator to the candidates after its jail time"),
  ).action(async (o: TxOpts) => {
    await sendTx(o, [{ type: "slashing/unjail", value: {} }], "unjail");
  });
  withTxOptions(
    staking.command("redelegate <from> <to> <amount>").description("move stake between validators without unbonding"),
  ).action(async (f: string, t: string, a: string, o: TxOpts) => {
    const amount = stakeAmount(a);
    await sendTx(
      o,
      [
        {
          type: "staking/redelegate",
          value: { from: await resolveValidator(o.node, f), to: await resolveValidator(o.node, t), amount },
        },
      ],
      `redelegate ${formatCoin(amount, "stra")} from ${f} to ${t}`,
    );
  });
  withTxOptions(
    staking
      .command("rotate-cons-pubkey")
      .description(
        "replace the signer's validator consensus key; the new key signs from 2 blocks after inclusion (see docs/operating.md)",
      )
      .requiredOption(
        "--pubkey <hexOrFile>",
        "the new consensus ed25519 public key (hex), or the validator_key.json that holds it",
      ),
  ).action(async (o: TxOpts & { pubkey: string }) => {
    const hex = /^[0-9a-fA-F]{64}$/.test(o.pubkey)
      ? o.pubkey
      : (JSON.parse(readFileSync(o.pubkey, "utf8")) as { pubkey: string }).pubkey;
    await sendTx(
      o,
      [{ type: "staking/rotate_cons_pubkey", value: { consensusPubkey: new Uint8Array(Buffer.from(hex, "hex")) } }],
      `rotate the consensus key to ${hex.slice(0, 16)}…`,
    );
  });
  withTxOptions(
    staking
      .command("edit-validator")
      .description("change the signer's validator moniker and/or commission")
      .option("--moniker <name>")
      .option("--commission-rate <rate>"),
  ).action(async (o: TxOpts & { moniker?: string; commissionRate?: string }) => {
    if (!o.moniker && !o.commissionRate) throw new Error("nothing to change: give --moniker and/or --commission-rate");
    await sendTx(
      o,
      [
        {
          type: "staking/edit_validator",
          value: {
            moniker: o.moniker,
            commissionRate: o.commissionRate ? parseRate(o.commissionRate, "--commission-rate") : undefined,
          },
        },
      ],
      "edit validator",
    );
  });
  const dist = tx.command("distribution").description("distribution module messages");
  withTxOptions(
    dist
      .command("withdraw-rewards [validator]")
      .description("withdraw staking rewards from one delegation (operator address or moniker), or from all with --all")
      .option("--all", "every delegation of the signer, in one tx"),
  ).action(async (v: string | undefined, o: TxOpts & { all?: boolean }) => {
    if (o.all) {
      const { loadSigningKey } = await import("./keys.ts");
      const k = await loadSigningKey(o.home, o.from);
      const dels = (
        await new StrataClient(o.node).call<{ delegations: { validator: string }[] }>("staking_delegations", {
          address: k.address,
        })
      ).delegations;
      if (dels.length === 0) throw new Error(`${k.address} has no delegations`);
      // a tx carries at most 16 messages
      for (let i = 0; i < dels.length; i += 16) {
        const part = dels.slice(i, i + 16);
        await sendTx(
          o,
          part.map((d) => ({
            type: "distribution/withdraw_rewards" as const,
            value: { validator: decodeAddress(d.validator) },
          })),
          `withdraw rewards from ${part.length} delegation(s)`,
        );
      }
      return;
    }
    if (!v) throw new Error("name a validator (operator address or moniker), or pass --all");
    await sendTx(
      o,
      [{ type: "distribution/withdraw_rewards", value: { validator: await resolveValidator(o.node, v) } }],
      `withdraw rewards from ${v}`,
    );
  });
  withTxOptions(dist.command("withdraw-commission").description("withdraw the signer's validator commission")).action(
    async (o: TxOpts & { from: string }) => {
      const { loadSigningKey } = await import("./keys.ts");
      const k = await loadSigningKey(o.home, o.from);
      await sendTx(
        o,
        [{ type: "distribution/withdraw_commission", value: { validator: decodeAddress(k.address) } }],
        "withdraw commission",
      );
    },
  );
}
