// Hostile peers against a real node (issue 14): raw libp2p peers that publish generated garbage
// on every gossipsub topic (random bytes, truncated and oversized messages, wrong-chain
// signatures, replays) and send garbage sync requests. The node must keep committing, and its
// gossipsub score of each hostile peer (net_info `score`) must fall below zero.
// One peer per kind of abuse, so each score reflects one mechanism: the tx-topic validator that
// checks every tx of a batch, the sync protocol's penalty (gossipsub P5), and the topic validators.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { P2P, type TopicName } from "#node/p2p.ts";
import { createLogger } from "#node/logger.ts";
import { homePaths } from "#node/config.ts";
import { ProposalMsg, SyncKind, SyncRequest, TxBatchMsg, VoteMsg } from "#node/wire.ts";
import { VoteType, voteSignBytes } from "#consensus/vote.ts";
import { proposalSignBytes } from "#consensus/proposal.ts";
import { addressFromPubkey } from "#state/crypto/address.ts";
import { publicKeyFromSeed, signMessage } from "#state/crypto/ed25519.ts";
import { signTx } from "#client/tx.ts";
import { freePort, waitFor } from "../helpers/proc.ts";
import { peerAddress } from "../helpers/devnet.ts";
import { useSharedNet } from "../helpers/sharedNet.ts";
import { validatorSeed } from "../helpers/doubleSign.ts";

const CHAIN = "strata-devnet";
const quiet = createLogger({ name: "hostile-peer", out: () => {} });

describe("hostile gossip and sync (real node)", () => {
  // the shared node (netBroker.ts): the hostile peers are stopped before it goes to the next file
  const net = useSharedNet();
  let nodeId: string;
  let lastHeight = 0;
  const dir = mkdtempSync(join(tmpdir(), "strata-hostile-"));
  const peers: P2P[] = [];
  const captured: { topic: TopicName; data: Uint8Array }[] = [];

  type NetInfo = { peers: { node_info: { id: string; other: { libp2p_peer_id: string } }; score: number }[] };
  async function netInfo(): Promise<NetInfo> {
    const r = await fetch(net.clients[0]!.url, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "net_info" }),
    });
    return ((await r.json()) as { result: NetInfo }).result;
  }

  /** The node runs, answers status and committed a block since the last check. */
  async function stillCommitting(): Promise<void> {
    expect((await net.health()).running).toEqual([true]);
    lastHeight = await waitFor(
      `a block after ${lastHeight}`,
      async () => {
        const h = Number((await net.clients[0]!.status()).sync_info.latest_block_height);
        return h > lastHeight ? h : undefined;
      },
      20_000,
    );
  }

  /** The node's gossipsub score of `peer`, once it is below zero. */
  async function scoreFalls(peer: P2P, what: string, keepGoing: () => Promise<void>): Promise<number> {
    return waitFor(
      `${what}: the node's score of the peer falls below 0`,
      async () => {
        await keepGoing();
        // node_info.id is the CometBFT-style hex id; the libp2p peer id is in node_info.other
        const p = (await netInfo()).peers.find((x) => x.node_info.other.libp2p_peer_id === peer.peerId);
        return p && p.score < 0 ? p.score : undefined;
      },
      30_000,
    );
  }

  async function hostilePeer(name: string): Promise<P2P> {
    const p = await P2P.start(
      {
        chainId: CHAIN,
        host: "127.0.0.1",
        port: await freePort(),
        peerKeyPath: join(dir, `${name}.json`),
        bootstrap: [peerAddress(net.homes[0]!)],
      },
      {
        validate: () => "accept",
        onMessage: (topic, data) => void (captured.length < 200 && captured.push({ topic, data })),
        onSyncRequest: async () => new Uint8Array(),
      },
      quiet,
    );
    peers.push(p);
    // a publish reaches only peers whose subscription we have heard
    await waitFor(
      `${name} hears the node on every topic`,
      async () =>
        (["tx", "proposal", "vote"] as TopicName[]).every((t) => p.subscribers(t).includes(nodeId)) ? true : undefined,
      30_000,
    );
    return p;
  }

  beforeAll(async () => {
    nodeId = (JSON.parse(readFileSync(homePaths(net.homes[0]!).nodeKey, "utf8")) as { peerId: string }).peerId;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  });

  it("garbage sync requests are refused, and cost the sender score", async () => {
    const peer = await hostilePeer("sync");
    const valid = SyncRequest.serialize({ kind: SyncKind.Status, from: 0, count: 0, hashes: [] });
    const garbage = [
      ...fc.sample(fc.uint8Array({ maxLength: 200 }), { numRuns: 200, seed: 1 }),
      ...fc.sample(fc.nat({ max: valid.length - 1 }), { numRuns: 50, seed: 2 }).map((n) => valid.subarray(0, n)), // truncated
      SyncRequest.serialize({ kind: 77, from: 1, count: 1, hashes: [] }), // unknown kind
      new Uint8Array(3 << 20), // oversized
    ];
    let refused = 0;
    const sendAll = async () => {
      for (const g of garbage)
        await peer.request(nodeId, g, 3_000).then(
          () => {},
          () => void refused++,
        );
    };
    await sendAll();
    expect(refused).toBeGreaterThan(garbage.length / 2);
    await scoreFalls(
      peer,
      "sync garbage",
      async () => void (await peer.request(nodeId, Uint8Array.of(0xff), 3_000).catch(() => {})),
    );
    // an honest status request from another peer is still served
    const honest = await hostilePeer("honest");
    expect((await honest.request(nodeId, valid, 5_000)).length).toBeGreaterThan(0);
    await stillCommitting();
  }, 90_000);

  it("tx batches holding garbage, truncated or wrong-chain txs are rejected, and cost the sender score", async () => {
    const peer = await hostilePeer("tx");
    const seed = new Uint8Array(32).fill(9);
    const good = signTx(seed, {
      chainId: CHAIN,
      nonce: 0n,
      fee: 10n ** 14n,
      msgs: [{ type: "bank/send", value: { to: new Uint8Array(20).fill(1), denom: "stra", amount: 1n } }],
    }).bytes;
    const wrongChain = signTx(seed, {
      chainId: "another-chain",
      nonce: 0n,
      fee: 10n ** 14n,
      msgs: [{ type: "bank/send", value: { to: new Uint8Array(20).fill(1), denom: "stra", amount: 1n } }],
    }).bytes;
    const badTx = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.nat({ max: good.length - 1 }).map((n) => good.subarray(0, n)),
      fc.constant(wrongChain),
    );
    let n = 0;
    const batches = () => fc.sample(fc.array(badTx, { minLength: 1, maxLength: 5 }), { numRuns: 100, seed: 100 + n++ });
    for (const txs of batches()) await peer.publish("tx", TxBatchMsg.serialize({ txs }));
    await scoreFalls(peer, "garbage txs", async () => {
      for (const txs of batches().slice(0, 10)) await peer.publish("tx", TxBatchMsg.serialize({ txs }));
    });
    await stillCommitting();
  }, 90_000);

  it("garbage, truncated, oversized, wrong-chain and replayed messages on every topic: the node keeps committing", async () => {
    const peer = await hostilePeer("all");
    const seed = validatorSeed(net.homes[0]!);
    const validator = addressFromPubkey(publicKeyFromSeed(seed));
    // real messages the node published, heard by the hostile peers: material for replays and truncations
    await waitFor(
      "a proposal and a vote from the node",
      async () =>
        captured.some((c) => c.topic === "proposal") && captured.some((c) => c.topic === "vote") ? true : undefined,
      20_000,
    );
    let nonce = 1_000_000;
    /** messages correctly formed and signed by the real validator key, but for another chain */
    const wrongChain = (): { topic: TopicName; data: Uint8Array }[] => {
      const height = lastHeight + 1;
      const vote = {
        type: VoteType.Prevote,
        height,
        round: 0,
        blockId: new Uint8Array(32).fill(3),
        timestamp: Date.now(),
        validator,
      };
      const p = ProposalMsg.deserialize(captured.find((c) => c.topic === "proposal")!.data);
      const body = { ...p.proposal.body, height };
      return [
        {
          topic: "vote",
          data: VoteMsg.serialize({
            vote: { body: vote, signature: signMessage(seed, voteSignBytes("another-chain", vote)) },
            nonce: nonce++,
          }),
        },
        {
          topic: "proposal",
          data: ProposalMsg.serialize({
            ...p,
            proposal: { body, signature: signMessage(seed, proposalSignBytes("another-chain", body)) },
            nonce: nonce++,
          }),
        },
      ];
    };
    const topic = fc.constantFrom<TopicName>("tx", "proposal", "vote");
    const real = fc.constantFrom(...captured);
    const message = fc.oneof(
      fc.record({ topic, data: fc.uint8Array({ maxLength: 400 }) }), // garbage
      real.chain((c) =>
        fc.nat({ max: Math.max(0, c.data.length - 1) }).map((n) => ({ topic: c.topic, data: c.data.subarray(0, n) })),
      ), // truncated
      real.map((c) => ({ topic: c.topic, data: Uint8Array.from(c.data) })), // replayed as heard (a duplicate: dropped)
      real
        .filter((c) => c.topic === "vote")
        .map((c) => ({ topic: c.topic, data: VoteMsg.serialize({ ...VoteMsg.deserialize(c.data), nonce: nonce++ }) })), // replayed, new relay nonce
      fc.record({ topic, data: fc.integer({ min: 2_000, max: 50_000 }).map((n) => new Uint8Array(n).fill(0xab)) }), // oversized for a vote
    );
    for (let round = 0; round < 4; round++) {
      for (const m of [...fc.sample(message, { numRuns: 300, seed: round }), ...wrongChain()])
        await peer.publish(m.topic, m.data);
      await stillCommitting();
    }
    await scoreFalls(peer, "garbage on every topic", async () => {
      for (const m of wrongChain()) await peer.publish(m.topic, m.data);
    });
    await stillCommitting();
  }, 120_000);
});
