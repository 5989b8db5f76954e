// The node's network: libp2p 2.x (TCP + noise + yamux + identify), gossipsub topics
// /strata/<chainId>/{tx,proposal,vote}/1 with topic validators (reject → the sender's score
// drops), a request/response protocol /strata/<chainId>/sync/1, a persistent peer identity per
// node home, and bootstrap peers redialled with exponential backoff.
import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { createLibp2p, type Libp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { gossipsub, type GossipSub } from "@chainsafe/libp2p-gossipsub";
import { prometheusMetrics } from "@libp2p/prometheus-metrics";
import type { Registry } from "prom-client";
import { createPeerScoreParams, createTopicScoreParams } from "@chainsafe/libp2p-gossipsub/score";
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey, peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import { TopicValidatorResult, type Stream as SyncStream } from "@libp2p/interface";
import { writeFileAtomic } from "./validatorKey.ts";
import { runAsInput } from "./processGuard.ts";
import { SyncGuard } from "./syncGuard.ts";
import { SyncRequestRefused } from "./syncRequestRefused.ts";
import { MAX_TXS_PER_BLOCK } from "../state/encoding/types.ts";

export type TopicName = "tx" | "proposal" | "vote" | "evidence";
const perTopic = (): Record<TopicName, number> => ({ tx: 0, proposal: 0, vote: 0, evidence: 0 });
export type ValidationResult = "accept" | "reject" | "ignore";
export type P2PHandlers = {
  validate(topic: TopicName, data: Uint8Array): ValidationResult;
  /** `from`: the peer that delivered it (gossipsub's propagation source) */
  onMessage(topic: TopicName, data: Uint8Array, from: string): void;
  /** throws SyncRequestRefused when the request is the peer's fault (it then loses score) */
  onSyncRequest(req: Uint8Array): Promise<Uint8Array>;
};
export type P2POptions = {
  chainId: string;
  host: string;
  port: number;
  peerKeyPath: string;
  bootstrap: string[];
  /** when set, libp2p's own metrics (connections, streams, bytes per protocol) are registered here */
  metricsRegistry?: Registry;
  /** told to peers through identify's agent version (`strata/1 (<moniker>)`), for their net_info */
  moniker?: string;
  /** how long a sync answer may wait for the asking peer to read it (default 12 s; tests shorten it) */
  syncAnswerTimeoutMs?: number;
};

/** What net_info says of a connected peer. */
export type PeerInfo = {
  peerId: string;
  remoteAddr: string;
  outbound: boolean;
  openedAt: number;
  listenAddrs: string[];
  moniker: string;
};

const AGENT = /^strata\/1 \((.*)\)$/s;
type Log = {
  debug(m: string, f?: Record<string, unknown>): void;
  info(m: string, f?: Record<string, unknown>): void;
  warn(m: string, f?: Record<string, unknown>): void;
};

const MAX_SYNC_BYTES = 32 * 1024 * 1024;
/** the largest honest sync request: a Txs request naming every tx of a full block */
const MAX_SYNC_REQUEST_BYTES = 32 * MAX_TXS_PER_BLOCK + 1024;
/** a peer that opens a sync stream must send its request within this */
const SYNC_REQUEST_TIMEOUT_MS = 5_000;
/**
 * How long a sync answer may take to be read by the peer that asked. Honest requesters give up
 * at 10 s (blockSync's blocks request, the longest); an answer not taken by then helps nobody,
 * and a peer that asks and never reads would otherwise hold the answer (up to 16 MB) and a
 * stream slot for good.
 */
const SYNC_ANSWER_TIMEOUT_MS = 12_000;
/**
 * Sync requests one peer may have in progress at once. An honest node has at most a few out to
 * one peer (block sync, vote pull, mempool pull, a proposal's missing txs): more is abuse, and
 * this bounds what one peer's unread answers can hold (16 × 16 MB).
 */
const MAX_SYNC_IN_PROGRESS_PER_PEER = 16;
/** penalty points (gossipsub app-specific score, weight 1) per abuse of the sync protocol */
const SYNC_ABUSE_PENALTY = 20;
const TOPICS: TopicName[] = ["tx", "proposal", "vote", "evidence"];
/**
 * Largest message an honest node publishes per topic (a vote is fixed-size, ~200 B; a compact
 * proposal holds at most MAX_TXS_PER_BLOCK hashes); anything bigger is rejected unread.
 */
const MAX_GOSSIP_BYTES: Record<TopicName, number> = { vote: 1024, proposal: 8 << 20, tx: 20 << 20, evidence: 4096 };

async function loadOrCreateKey(path: string) {
  if (existsSync(path)) {
    const j = JSON.parse(readFileSync(path, "utf8")) as { privateKey: string };
    return privateKeyFromProtobuf(new Uint8Array(Buffer.from(j.privateKey, "hex")));
  }
  const key = await generateKeyPair("Ed25519");
  writeFileAtomic(
    path,
    JSON.stringify(
      {
        peerId: peerIdFromPrivateKey(key as never).toString(),
        privateKey: Buffer.from(privateKeyToProtobuf(key as never)).toString("hex"),
      },
      null,
      2,
    ) + "\n",
  );
  return key;
}

/** Creates the node key if missing and returns its peer id (the devnet writes bootstrap lists with it). */
export async function ensurePeerKey(path: string): Promise<string> {
  return peerIdFromPrivateKey((await loadOrCreateKey(path)) as never).toString();
}

async function readAll(
  source: AsyncIterable<{ subarray(): Uint8Array } | Uint8Array>,
  max: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of source) {
    const b = chunk instanceof Uint8Array ? chunk : chunk.subarray();
    n += b.length;
    if (n > max) throw new Error(`message exceeds ${max} bytes`);
    parts.push(b);
  }
  return new Uint8Array(Buffer.concat(parts));
}

export class P2P {
  readonly peerId: string;
  private readonly node: Libp2p<{ pubsub: GossipSub; identify: unknown }>;
  private readonly opts: P2POptions;
  private readonly log: Log;
  private readonly topic: (t: TopicName) => string;
  private readonly syncProtocol: string;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  /**
   * gossip messages per topic, for metrics; syncRejected: sync requests refused as abuse;
   * syncAnswersAbandoned: answers the asking peer did not read within the answer timeout
   */
  readonly counters = {
    published: perTopic(),
    received: perTopic(),
    rejected: perTopic(),
    syncRejected: 0,
    syncAnswersAbandoned: 0,
  };
  private readonly syncGuard = new SyncGuard();
  /** sync requests in progress (read, answered or being written), per peer */
  private readonly syncInProgress = new Map<string, number>();

  private constructor(node: Libp2p<{ pubsub: GossipSub; identify: unknown }>, opts: P2POptions, log: Log) {
    this.node = node;
    this.opts = opts;
    this.log = log;
    this.peerId = node.peerId.toString();
    this.topic = (t) => `/strata/${opts.chainId}/${t}/1`;
    this.syncProtocol = `/strata/${opts.chainId}/sync/1`;
  }

  static async start(opts: P2POptions, handlers: P2PHandlers, log: Log): Promise<P2P> {
    const privateKey = await loadOrCreateKey(opts.peerKeyPath);
    // set once the P2P object exists; gossipsub asks for scores only after start
    let appScore: (peer: string) => number = () => 0;
    const node = (await createLibp2p({
      privateKey: privateKey as never,
      addresses: { listen: [`/ip4/${opts.host}/tcp/${opts.port}`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { maxConnections: 100 },
      ...(opts.metricsRegistry
        ? {
            metrics: prometheusMetrics({
              registry: opts.metricsRegistry,
              collectDefaultMetrics: false,
              preserveExistingMetrics: true,
            }),
          }
        : {}),
      services: {
        identify: identify(opts.moniker !== undefined ? { agentVersion: `strata/1 (${opts.moniker})` } : {}),
        pubsub: gossipsub({
          allowPublishToZeroTopicPeers: true,
          emitSelf: false,
          globalSignaturePolicy: "StrictNoSign",
          msgIdFn: (msg) => new Uint8Array(createHash("sha256").update(msg.topic).update(msg.data).digest()),
          fallbackToFloodsub: false,
          floodPublish: true,
          D: 4,
          Dlo: 2,
          Dhi: 8,
          heartbeatInterval: 500,
          maxInboundDataLength: 20 * 1024 * 1024,
          // A message our validator rejects (bad signature, non-validator, garbage) costs the peer
          // that delivered it: P4, invalid message deliveries, squared and weighted per topic.
          scoreParams: createPeerScoreParams({
            // P5: what the sync protocol knows of the peer (garbage or flooding requests)
            appSpecificScore: (peer: string) => appScore(peer),
            appSpecificWeight: 1,
            topics: Object.fromEntries(
              TOPICS.map((t) => [
                `/strata/${opts.chainId}/${t}/1`,
                createTopicScoreParams({
                  topicWeight: 1,
                  invalidMessageDeliveriesWeight: -10,
                  invalidMessageDeliveriesDecay: 0.9,
                }),
              ]),
            ),
          }),
          scoreThresholds: {
            gossipThreshold: -100,
            publishThreshold: -200,
            graylistThreshold: -300,
            acceptPXThreshold: 100,
            opportunisticGraftThreshold: 5,
          },
        }),
      },
    } as never)) as unknown as Libp2p<{ pubsub: GossipSub; identify: unknown }>;
    const p = new P2P(node, opts, log);
    appScore = (peer) => -p.syncGuard.penalty(peer);
    const pubsub = node.services.pubsub;
    for (const t of TOPICS) {
      pubsub.topicValidators.set(p.topic(t), (_peer, msg) => {
        let r: ValidationResult;
        try {
          // untrusted bytes: anything that escapes the validator is the message's fault, not the node's
          r =
            msg.data.length > MAX_GOSSIP_BYTES[t]
              ? "reject"
              : runAsInput("gossip", () => handlers.validate(t, msg.data));
        } catch {
          r = "reject";
        }
        if (r === "reject") p.counters.rejected[t]++;
        return r === "accept"
          ? TopicValidatorResult.Accept
          : r === "reject"
            ? TopicValidatorResult.Reject
            : TopicValidatorResult.Ignore;
      });
      pubsub.subscribe(p.topic(t));
    }
    pubsub.addEventListener("gossipsub:message", (evt) => {
      const { msg, propagationSource } = evt.detail;
      const t = TOPICS.find((x) => p.topic(x) === msg.topic);
      if (!t) return;
      p.counters.received[t]++;
      try {
        handlers.onMessage(t, msg.data, propagationSource.toString());
      } catch (e) {
        log.warn("gossip handler failed", { topic: t, err: (e as Error).message });
      }
    });
    await node.handle(
      p.syncProtocol,
      ({ stream, connection }) =>
        runAsInput("sync", async () => {
          const peer = connection.remotePeer.toString();
          // a request that cannot be read or answered is the peer's fault: it costs the peer score
          const abuse = (why: string, err?: unknown) => {
            p.counters.syncRejected++;
            p.syncGuard.penalize(peer, SYNC_ABUSE_PENALTY);
            log.debug("sync request refused", {
              peer: peer.slice(-12),
              why,
              err: err instanceof Error ? err.message : undefined,
            });
            stream.abort(new Error(why));
          };
          if (!p.syncGuard.allow(peer)) return abuse("too many sync requests");
          const inProgress = p.syncInProgress.get(peer) ?? 0;
          if (inProgress >= MAX_SYNC_IN_PROGRESS_PER_PEER) return abuse("too many sync requests in progress");
          p.syncInProgress.set(peer, inProgress + 1);
          try {
            await p.answerSync(stream, peer, abuse, handlers);
          } finally {
            const n = (p.syncInProgress.get(peer) ?? 1) - 1;
            if (n > 0) p.syncInProgress.set(peer, n);
            else p.syncInProgress.delete(peer);
          }
        }),
      { maxInboundStreams: 64, runOnLimitedConnection: false },
    );
    for (const addr of opts.bootstrap) p.keepConnected(addr);
    return p;
  }

  /** Reads one sync request, answers it, and gives the peer SYNC_ANSWER_TIMEOUT_MS to read the answer. */
  private async answerSync(
    stream: SyncStream,
    peer: string,
    abuse: (why: string, err?: unknown) => void,
    handlers: P2PHandlers,
  ): Promise<void> {
    let req: Uint8Array;
    // a peer that opens a stream and sends nothing would hold it (and one of 64 slots) forever
    const slow = setTimeout(
      () => stream.abort(new Error("sync request not received in time")),
      SYNC_REQUEST_TIMEOUT_MS,
    );
    try {
      req = await readAll(stream.source, MAX_SYNC_REQUEST_BYTES);
    } catch (e) {
      return abuse("unreadable, oversized or slow request", e);
    } finally {
      clearTimeout(slow);
    }
    let res: Uint8Array;
    try {
      res = await handlers.onSyncRequest(req);
    } catch (e) {
      if (e instanceof SyncRequestRefused) return abuse("malformed request", e);
      // our own failure to answer: the peer asked nothing wrong, so it costs it nothing
      this.log.warn("sync answer failed", { peer: peer.slice(-12), err: (e as Error).message });
      stream.abort(e as Error);
      return;
    }
    // not abuse: a slow link is no fault, and the requester's own timeout has passed by then
    const unread = setTimeout(() => {
      this.counters.syncAnswersAbandoned++;
      stream.abort(new Error("sync answer not read in time"));
    }, this.opts.syncAnswerTimeoutMs ?? SYNC_ANSWER_TIMEOUT_MS);
    try {
      await stream.sink([res]);
    } catch (e) {
      this.log.debug("sync response not delivered", { peer: peer.slice(-12), err: (e as Error).message });
      stream.abort(e as Error);
    } finally {
      clearTimeout(unread);
    }
  }

  get multiaddrs(): string[] {
    return this.node.getMultiaddrs().map((m) => m.toString());
  }

  /** Keeps a connection to `addr`, redialling with exponential backoff (250 ms → 10 s). */
  private keepConnected(addr: string): void {
    let ma: ReturnType<typeof multiaddr>;
    let peer: string | undefined;
    try {
      ma = multiaddr(addr);
      peer = ma.getPeerId() ?? undefined;
    } catch (e) {
      this.log.warn("bad bootstrap address", { addr, err: (e as Error).message });
      return;
    }
    if (peer === this.peerId) return;
    let delay = 250;
    const tick = async () => {
      if (this.stopped) return;
      const connected = peer ? this.node.getConnections(peerIdFromString(peer)).length > 0 : false;
      if (!connected) {
        try {
          await this.node.dial(ma);
          delay = 250;
        } catch (e) {
          this.log.debug("dial failed", { addr, err: (e as Error).message });
          delay = Math.min(delay * 2, 10_000);
        }
      } else delay = 1000;
      if (!this.stopped) {
        const t = setTimeout(() => {
          this.timers.delete(t);
          void tick();
        }, delay);
        this.timers.add(t);
      }
    };
    void tick();
  }

  /** Never throws for lack of peers: a message nobody hears is the same as a lost one. */
  async publish(topic: TopicName, data: Uint8Array): Promise<void> {
    if (this.stopped) return;
    try {
      await this.node.services.pubsub.publish(this.topic(topic), data);
      this.counters.published[topic]++;
    } catch (e) {
      this.log.debug("publish dropped", { topic, err: (e as Error).message });
    }
  }

  async request(peerId: string, req: Uint8Array, timeoutMs = 10_000): Promise<Uint8Array> {
    const signal = AbortSignal.timeout(timeoutMs);
    const stream = await this.node.dialProtocol(peerIdFromString(peerId), this.syncProtocol, { signal });
    // The timeout bounds the whole exchange, not only the dial: a peer that takes the request and
    // never answers (or never reads it) would otherwise hold the caller forever.
    const timeout = `sync request timed out after ${timeoutMs} ms`;
    const timedOut = () => stream.abort(new Error(timeout));
    if (signal.aborted) timedOut();
    else signal.addEventListener("abort", timedOut, { once: true });
    try {
      await stream.sink([req]);
      return await readAll(stream.source, MAX_SYNC_BYTES);
    } catch (e) {
      stream.abort(e as Error);
      throw signal.aborted ? new Error(timeout, { cause: e }) : e;
    } finally {
      signal.removeEventListener("abort", timedOut);
    }
  }

  /** The sync protocol's penalty of a peer (what its app-specific score subtracts). */
  syncPenalty(peerId: string): number {
    return this.syncGuard.penalty(peerId);
  }

  /** gossipsub's score of a peer (negative after it delivered rejected messages or abused sync). */
  score(peerId: string): number {
    return this.node.services.pubsub.getScore(peerId);
  }

  /** Peers we know to be subscribed to a topic (a publish reaches only these). */
  subscribers(topic: TopicName): string[] {
    return this.node.services.pubsub.getSubscribers(this.topic(topic)).map((p) => p.toString());
  }

  peers(): string[] {
    return [...new Set(this.node.getPeers().map((p) => p.toString()))];
  }

  /** Each connected peer once (its oldest connection), with what identify told us of it. */
  async peerInfo(): Promise<PeerInfo[]> {
    const out = new Map<string, PeerInfo>();
    for (const c of this.node.getConnections()) {
      const id = c.remotePeer.toString();
      if (out.has(id) && out.get(id)!.openedAt <= c.timeline.open) continue;
      let listenAddrs: string[] = [];
      let moniker = "";
      try {
        const p = await this.node.peerStore.get(c.remotePeer);
        listenAddrs = p.addresses.map((a) => a.multiaddr.toString());
        const agent = p.metadata.get("AgentVersion");
        moniker = agent ? (AGENT.exec(new TextDecoder().decode(agent))?.[1] ?? "") : "";
      } catch {
        /* not identified yet */
      }
      out.set(id, {
        peerId: id,
        remoteAddr: c.remoteAddr.toString(),
        outbound: c.direction === "outbound",
        openedAt: c.timeline.open,
        listenAddrs,
        moniker,
      });
    }
    return [...out.values()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.node.stop();
  }
}
