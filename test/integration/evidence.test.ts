// broadcast_evidence on a real 4-validator devnet (evidence max age 8 blocks / 1 ms, so age in
// blocks decides). Each rule is attacked with evidence signed by real keys and refused with
// InvalidEvidence naming it; then a valid double sign by node3's key, sent as JSON to one node,
// is gossiped to the others, put in a block, and node3 is slashed, jailed and tombstoned on
// every node.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homePaths } from "#node/config.ts";
import { duplicateVoteEvidenceJson } from "#client/evidenceJson.ts";
import { RpcError } from "#client/rpcClient.ts";
import { VoteType, voteSignBytes, type VoteValue } from "#consensus/vote.ts";
import { addressFromPubkey, encodeAddress } from "#state/crypto/address.ts";
import { publicKeyFromSeed, signMessage } from "#state/crypto/ed25519.ts";
import { ErrorCode } from "#state/errors.ts";
import { validatorSeed } from "../helpers/doubleSign.ts";
import { waitFor } from "../helpers/proc.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";

const CHAIN = "strata-devnet";

function vote(seed: Uint8Array, height: number, fill: number, chainId = CHAIN): VoteValue {
  const body = {
    type: VoteType.Precommit,
    height,
    round: 0,
    blockId: new Uint8Array(32).fill(fill),
    timestamp: Date.now(),
    validator: addressFromPubkey(publicKeyFromSeed(seed)),
  };
  return { body, signature: signMessage(seed, voteSignBytes(chainId, body)) };
}
const evidenceBy = (seed: Uint8Array, height: number) =>
  duplicateVoteEvidenceJson(vote(seed, height, 1), vote(seed, height, 2));

describe("broadcast_evidence on a 4-validator devnet", () => {
  let net: TestNet;
  let latest: () => Promise<number>;

  beforeAll(async () => {
    net = await startTestNet(4, { evidence: { maxAgeNumBlocks: "8", maxAgeDurationMs: "1" } });
    latest = async () => Number((await net.clients[0].status()).sync_info.latest_block_height);
    await waitAllAtLeast(net, 12, [0, 1, 2, 3], 90_000);
  }, 120_000);

  afterAll(async () => {
    await net?.stopAll();
  });

  /** strata_gossip_messages_in_total{topic} on node i's Prometheus endpoint. */
  async function gossipIn(i: number, topic: string): Promise<number> {
    const port = JSON.parse(readFileSync(homePaths(net.homes[i]).config, "utf8")).metrics.port;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = new RegExp(`^strata_gossip_messages_in_total\\{topic="${topic}"\\} (\\d+)`, "m").exec(text);
    return m ? Number(m[1]) : 0;
  }

  /** The rule named by the node's refusal, or "accepted". */
  async function refusal(evidence: unknown): Promise<string> {
    try {
      await net.clients[0].call("broadcast_evidence", { evidence });
      return "accepted";
    } catch (e) {
      expect(e).toBeInstanceOf(RpcError);
      const r = e as RpcError;
      if (r.code === -32602) return `params: ${String(r.data)}`;
      expect((r.data as { code: number }).code).toBe(ErrorCode.InvalidEvidence);
      return /breaks rule (\w+)/.exec(r.message)![1];
    }
  }

  it("refuses evidence older than the maximum age, from a non-member, forged, or of a height not committed", async () => {
    const node3 = validatorSeed(net.homes[3]);
    const h = await latest();
    expect(await refusal(evidenceBy(node3, 1))).toBe("expired");
    const stranger = new Uint8Array(32).fill(42);
    expect(await refusal(evidenceBy(stranger, h - 1))).toBe("not_a_member");
    const forged = evidenceBy(node3, h - 1);
    forged.value.vote_b.signature = Buffer.from(signMessage(stranger, new Uint8Array(8))).toString("base64");
    expect(await refusal(forged)).toBe("bad_signature");
    expect(
      await refusal(
        duplicateVoteEvidenceJson(vote(node3, h - 1, 1, "other-chain"), vote(node3, h - 1, 2, "other-chain")),
      ),
    ).toBe("bad_signature");
    expect(await refusal(evidenceBy(node3, h + 50))).toBe("future_height");
    expect(await refusal(duplicateVoteEvidenceJson(vote(node3, h - 1, 1), vote(node3, h - 1, 1)))).toBe("same_block");
    expect(await refusal({ type: "tendermint/LightClientAttackEvidence", value: {} })).toMatch(
      /params: .*not supported/,
    );
    expect(await refusal({ value: { vote_a: {} } })).toMatch(/params: evidence.value.vote_a/);
  }, 60_000);

  it("a valid double sign sent to one node is gossiped to every node, committed and punished on every node", async () => {
    const node3 = validatorSeed(net.homes[3]);
    const op = encodeAddress(addressFromPubkey(publicKeyFromSeed(node3)));
    const ev = evidenceBy(node3, (await latest()) - 1);
    const { hash } = await net.clients[1].call<{ hash: string }>("broadcast_evidence", { evidence: ev });
    expect(hash).toMatch(/^[0-9A-F]{64}$/);
    // every other node got it over the evidence topic (its validator verified and pooled it)
    for (const i of [0, 2, 3]) {
      await waitFor(
        `node${i} received the evidence by gossip`,
        async () => ((await gossipIn(i, "evidence")) >= 1 ? true : undefined),
        30_000,
      );
    }
    expect((await net.clients[2].call<{ hash: string }>("broadcast_evidence", { evidence: ev })).hash).toBe(hash);
    const validatorOf = async (i: number) =>
      ((await net.clients[i].call<any>("staking_validators")).validators as any[]).find((v) => v.operator === op);
    await waitFor("node3 tombstoned", async () => ((await validatorOf(0))?.tombstoned ? true : undefined), 60_000);
    const h = await latest();
    await waitAllAtLeast(net, h, [0, 1, 2]);
    for (const i of [0, 1, 2]) {
      const v = await validatorOf(i);
      expect(v.jailed && v.tombstoned).toBe(true);
    }
    // the block that carried it shows it in v0.38's shape, the very votes sent
    let carried: any;
    for (let x = h; x > 0 && !carried; x--) {
      const b = await net.clients[0].call<any>("block", { height: String(x) });
      if (b.block.evidence.evidence.length) carried = b.block.evidence.evidence[0];
    }
    expect(carried.type).toBe("tendermint/DuplicateVoteEvidence");
    expect([carried.value.vote_a.signature, carried.value.vote_b.signature].sort()).toEqual(
      [ev.value.vote_a.signature, ev.value.vote_b.signature].sort(),
    );
    // the chain goes on
    await waitAllAtLeast(net, h + 3, [0, 1, 2]);
  }, 120_000);
});
