// The serving side of /sync/1 against peers that ask and never read (real libp2p over loopback):
// an unread answer is dropped after the answer timeout instead of holding its bytes and a stream
// slot for good, an honest reader still gets the whole answer, and one peer cannot have more than
// 16 requests in progress at once. And whose fault a failed answer is: only the asker's costs it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Libp2p } from "libp2p";
import type { Stream } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { P2P } from "#node/p2p.ts";
import { SyncRequestRefused } from "#node/syncRequestRefused.ts";
import { createLogger } from "#node/logger.ts";
import { freePort, waitFor } from "../../helpers/proc.ts";

const CHAIN = "strata-sync-answer-test";
const quiet = createLogger({ name: "p2p-test", out: () => {} });
/** far past yamux's 256 KiB stream window and the sockets' buffers: the write waits on the reader */
const ANSWER_BYTES = 24 << 20;
const ANSWER_TIMEOUT_MS = 5_000;

describe("sync answers a peer does not read", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-sync-answer-"));
  let server: P2P;
  let client: P2P;
  const answer = new Uint8Array(ANSWER_BYTES).fill(7);

  beforeAll(async () => {
    const handlers = { validate: () => "accept" as const, onMessage: () => {} };
    const port = await freePort();
    server = await P2P.start(
      {
        chainId: CHAIN,
        host: "127.0.0.1",
        port,
        peerKeyPath: join(dir, "server.json"),
        bootstrap: [],
        syncAnswerTimeoutMs: ANSWER_TIMEOUT_MS,
      },
      {
        ...handlers,
        // request [1]: this node fails to answer; [2]: the request is the asker's fault
        onSyncRequest: async (req) => {
          if (req[0] === 1) throw new Error("answer failed here");
          if (req[0] === 2) throw new SyncRequestRefused("malformed sync request");
          return answer;
        },
      },
      quiet,
    );
    client = await P2P.start(
      {
        chainId: CHAIN,
        host: "127.0.0.1",
        port: await freePort(),
        peerKeyPath: join(dir, "client.json"),
        bootstrap: [`/ip4/127.0.0.1/tcp/${port}/p2p/${server.peerId}`],
      },
      { ...handlers, onSyncRequest: async () => new Uint8Array() },
      quiet,
    );
    await waitFor("client connected", async () => (client.peers().includes(server.peerId) ? true : undefined), 30_000);
  }, 60_000);
  afterAll(async () => {
    await client?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a sync stream to the server and sends a request, and reads nothing. */
  async function askAndNeverRead(): Promise<Stream> {
    const stream = await openSyncStream();
    await stream.sink([Uint8Array.of(0)]);
    return stream;
  }
  async function openSyncStream(): Promise<Stream> {
    const node = (client as unknown as { node: Libp2p }).node;
    return node.dialProtocol(peerIdFromString(server.peerId), `/strata/${CHAIN}/sync/1`);
  }

  async function drain(stream: Stream): Promise<{ bytes: number; error?: string }> {
    let bytes = 0;
    try {
      for await (const chunk of stream.source) bytes += chunk.byteLength;
    } catch (e) {
      return { bytes, error: (e as Error).message };
    }
    return { bytes };
  }

  it("an answer not read within the timeout is dropped, and the stream reset", async () => {
    const before = server.counters.syncAnswersAbandoned;
    const stream = await askAndNeverRead();
    await waitFor(
      "the server to give up on the unread answer",
      async () => (server.counters.syncAnswersAbandoned > before ? true : undefined),
      30_000,
    );
    // what the server had written before it gave up is there; the rest never comes
    const got = await drain(stream);
    expect(got.bytes).toBeLessThan(ANSWER_BYTES);
  }, 60_000);

  it("an honest reader gets the whole answer and nothing is dropped", async () => {
    const before = server.counters.syncAnswersAbandoned;
    const res = await client.request(server.peerId, Uint8Array.of(0), 30_000);
    expect(res.length).toBe(ANSWER_BYTES);
    expect(server.counters.syncAnswersAbandoned).toBe(before);
  }, 60_000);

  it("a 17th request in progress from one peer is refused as abuse", async () => {
    const rejected = server.counters.syncRejected;
    const abandoned = server.counters.syncAnswersAbandoned;
    const streams: Stream[] = [];
    for (let i = 0; i < 16; i++) streams.push(await askAndNeverRead());
    // refused on arrival: the server may reset it before the request is even written
    const extra = await openSyncStream();
    await extra.sink([Uint8Array.of(0)]).catch(() => {});
    await waitFor(
      "the 17th request refused",
      async () => (server.counters.syncRejected > rejected ? true : undefined),
      10_000,
    );
    expect((await drain(extra)).bytes).toBe(0);
    // the 16 are dropped at their timeout and the peer may ask again
    await waitFor(
      "the 16 unread answers dropped",
      async () => (server.counters.syncAnswersAbandoned === abandoned + 16 ? true : undefined),
      30_000,
    );
    for (const got of await Promise.all(streams.map(drain))) expect(got.bytes).toBeLessThan(ANSWER_BYTES);
    const res = await client.request(server.peerId, Uint8Array.of(0), 30_000);
    expect(res.length).toBe(ANSWER_BYTES);
  }, 60_000);

  it("a request the server fails to answer costs the asker nothing; a malformed one costs it score", async () => {
    const rejected = server.counters.syncRejected;
    // the penalty decays (one-minute half-life) from what the test before left
    const penalty = server.syncPenalty(client.peerId);
    await expect(client.request(server.peerId, Uint8Array.of(1), 10_000)).rejects.toThrow();
    expect(server.counters.syncRejected).toBe(rejected);
    expect(server.syncPenalty(client.peerId)).toBeLessThanOrEqual(penalty);
    await expect(client.request(server.peerId, Uint8Array.of(2), 10_000)).rejects.toThrow();
    expect(server.counters.syncRejected).toBe(rejected + 1);
    expect(server.syncPenalty(client.peerId)).toBeGreaterThan(penalty + 15);
  }, 60_000);
});
