// Slashing on a real 4-validator devnet (stakes 40/30/20/10 %):
//  - a validator stopped long enough is slashed for downtime and jailed on every node; after the
//    jail time it restarts, unjails with its operator key and signs again;
//  - a double-signing validator (a harness signs two conflicting votes with its key and gossips
//    them) is slashed 5 %, jailed and tombstoned on every node, and the chain keeps going.
import { doubleSignUntil, validatorSeed, type DoubleSigner } from "../helpers/doubleSign.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StrataClient } from "#client/rpcClient.ts";
import { signTx } from "#client/tx.ts";
import { addressFromPubkey, encodeAddress } from "#state/crypto/address.ts";
import { publicKeyFromSeed } from "#state/crypto/ed25519.ts";
import { waitFor } from "../helpers/proc.ts";
import { waitForChainTime } from "../helpers/chainTime.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";

const FEE = 400_000n * 1_000_000_000n;

describe("slashing on a 4-validator devnet", () => {
  let net: TestNet;
  let harness: DoubleSigner | undefined;
  const validatorOf = async (c: StrataClient, operator: string) =>
    ((await c.call<any>("staking_validators")).validators as any[]).find((v) => v.operator === operator);

  beforeAll(async () => {
    net = await startTestNet(4, {
      slashing: { signedBlocksWindow: "20", minSignedPerWindow: "500000000000000000", downtimeJailMs: "4000" },
    });
    await waitAllAtLeast(net, 3, [0, 1, 2, 3]);
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await net?.stopAll();
  });

  it("downtime: jailed and slashed on every node; unjails after the jail time and signs again", async () => {
    const seed = validatorSeed(net.homes[3]);
    const op = encodeAddress(addressFromPubkey(publicKeyFromSeed(seed)));
    const before = await validatorOf(net.clients[0], op);
    await net.kill(3);
    await waitFor(
      "node3 jailed",
      async () => ((await validatorOf(net.clients[0], op)).jailed ? true : undefined),
      60_000,
    );
    for (const i of [0, 1, 2]) {
      const v = await validatorOf(net.clients[i], op);
      expect(v.jailed).toBe(true);
      expect(v.tombstoned).toBe(false);
      expect(BigInt(v.tokens)).toBeLessThan(BigInt(before.tokens));
    }
    const info = await net.clients[0].call<any>("slashing_signing_info", { address: op });
    expect(info.jailed).toBe(true);
    net.start(3);
    const c = net.clients[0];
    await waitForChainTime(c, info.jailedUntil, "jail time over");
    const nonce = BigInt((await c.balances(op)).nonce);
    const t = signTx(seed, {
      chainId: "strata-devnet",
      nonce,
      fee: FEE,
      msgs: [{ type: "slashing/unjail", value: {} }],
    });
    expect((await c.broadcastTxSync(t.bytes)).code).toBe(0);
    expect((await c.waitForTx(t.hash)).tx_result.code).toBe(0);
    expect((await validatorOf(c, op)).jailed).toBe(false);
    const cons = Buffer.from(addressFromPubkey(publicKeyFromSeed(seed)))
      .toString("hex")
      .toUpperCase();
    // Every block since the unjail is looked at, not only the latest: a restarted node on a busy
    // machine first syncs, then its precommits may land late in some blocks and in time in others.
    let next = Number((await c.call<any>("status")).sync_info.latest_block_height) + 1;
    await waitFor(
      "node3 signs again",
      async () => {
        const tip = Number((await c.call<any>("status")).sync_info.latest_block_height);
        for (; next <= tip; next++) {
          const b = await c.call<any>("block", { height: String(next) });
          if (b.block.last_commit.signatures.some((s: any) => s.validator_address === cons && s.block_id_flag === 2))
            return true;
        }
        return undefined;
      },
      180_000,
    );
  }, 300_000);

  it("double sign: slashed 5 %, jailed and tombstoned on every node", async () => {
    const seed = validatorSeed(net.homes[2]);
    const pubkey = publicKeyFromSeed(seed);
    const cons = addressFromPubkey(pubkey);
    const op = encodeAddress(cons);
    // Tokens per share: a slash cuts tokens and keeps shares, while the LST's epochs may delegate
    // to or undelegate from this validator at any time (shares and tokens move together), so the
    // 5 % shows in the exchange rate whatever epochs ran meanwhile.
    const rate = (v: { tokens: string; shares: string }) => (BigInt(v.tokens) * 10n ** 18n) / BigInt(v.shares);
    const before = rate(await validatorOf(net.clients[0], op));
    harness = await doubleSignUntil(
      net,
      2,
      1,
      "double sign punished",
      async () => (await validatorOf(net.clients[0], op)).tombstoned === true,
    );
    const [h] = await net.heights();
    await waitAllAtLeast(net, h! + 2, [0, 1, 3]);
    for (const i of [0, 1, 3]) {
      const v = await validatorOf(net.clients[i], op);
      expect(v.jailed).toBe(true);
      expect(v.tombstoned).toBe(true);
      // 5 % cut (rounded up against the offender; delegations round shares down)
      const r = rate(v);
      expect(r * 100_000n).toBeLessThanOrEqual(before * 95_001n);
      expect(r * 100_000n).toBeGreaterThanOrEqual(before * 94_999n);
    }
  }, 120_000);
});
