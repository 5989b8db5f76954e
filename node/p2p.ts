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
import { TopicValidatorResult } from "@libp2p/interface";
import { writeFileAtomic } from "./validatorKey.ts";

export type TopicName = "tx" | "proposal" | "vote";
const perTopic = (): Record<TopicName, number> => ({ tx: 0, proposal: 0, vote: 0 });
export type ValidationResult = "accept" | "reject" | "ignore";
export type P2PHandlers = {
  validate(topic: TopicName, data: Uint8Array): ValidationResult;
  onMessage(topic: TopicName, data: Uint8Array): void;
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
};
type Log = { debug(m: string, f?: Record<string, unknown>): void; info(m: string, f?: Record<string, unknown>): void; warn(m: string, f?: Record<string, unknown>): void };

const MAX_SYNC_BYTES = 32 * 1024 * 1024;
const TOPICS: TopicName[] = ["tx", "proposal", "vote"];

async function loadOrCreateKey(path: string) {
  if (existsSync(path)) {
    const j = JSON.parse(readFileSync(path, "utf8")) as { privateKey: string };
    return privateKeyFromProtobuf(new Uint8Array(Buffer.from(j.privateKey, "hex")));
  }
  const key = await generateKeyPair("Ed25519");
  writeFileAtomic(path, JSON.stringify({ peerId: peerIdFromPrivateKey(key as never).toString(), privateKey: Buffer.from(privateKeyToProtobuf(key as never)).toString("hex") }, null, 2) + "\n");
  return key;
}

/** Creates the node key if missing and returns its peer id (the devnet writes bootstrap lists with it). */
export async function ensurePeerKey(path: string): Promise<string> {
  return peerIdFromPrivateKey((await loadOrCreateKey(path)) as never).toString();
}

async function readAll(source: AsyncIterable<{ subarray(): Uint8Array } | Uint8Array>, max: number): Promise<Uint8Array> {
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
  /** gossip messages per topic, for metrics */
  readonly counters = { published: perTopic(), received: perTopic(), rejected: perTopic() };

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
    const node = (await createLibp2p({
      privateKey: privateKey as never,
      addresses: { listen: [`/ip4/${opts.host}/tcp/${opts.port}`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { maxConnections: 100 },
      ...(opts.metricsRegistry ? { metrics: prometheusMetrics({ registry: opts.metricsRegistry, collectDefaultMetrics: false, preserveExistingMetrics: true }) } : {}),
      services: {
        identify: identify(),
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
            topics: Object.fromEntries(
              TOPICS.map((t) => [
                `/strata/${opts.chainId}/${t}/1`,
                createTopicScoreParams({ topicWeight: 1, invalidMessageDeliveriesWeight: -10, invalidMessageDeliveriesDecay: 0.9 }),
              ]),
            ),
          }),
          scoreThresholds: { gossipThreshold: -100, publishThreshold: -200, graylistThreshold: -300, acceptPXThreshold: 100, opportunisticGraftThreshold: 5 },
        }),
      },
    } as never)) as unknown as Libp2p<{ pubsub: GossipSub; identify: unknown }>;
    const p = new P2P(node, opts, log);
    const pubsub = node.services.pubsub;
    for (const t of TOPICS) {
      pubsub.topicValidators.set(p.topic(t), (_peer, msg) => {
        let r: ValidationResult;
        try {
          r = handlers.validate(t, msg.data);
        } catch {
          r = "reject";
        }
        if (r === "reject") p.counters.rejected[t]++;
        return r === "accept" ? TopicValidatorResult.Accept : r === "reject" ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore;
      });
      pubsub.subscribe(p.topic(t));
    }
    pubsub.addEventListener("message", (evt) => {
      const t = TOPICS.find((x) => p.topic(x) === evt.detail.topic);
      if (!t) return;
      p.counters.received[t]++;
      try {
        handlers.onMessage(t, evt.detail.data);
      } catch (e) {
        log.warn("gossip handler failed", { topic: t, err: (e as Error).message });
      }
    });
    await node.handle(
      p.syncProtocol,
      async ({ stream }) => {
        try {
          const req = await readAll(stream.source, 1 << 16);
          const res = await handlers.onSyncRequest(req);
          await stream.sink([res]);
        } catch (e) {
          log.debug("sync request failed", { err: (e as Error).message });
          stream.abort(e as Error);
        }
      },
      { maxInboundStreams: 64, runOnLimitedConnection: false },
    );
    for (const addr of opts.bootstrap) p.keepConnected(addr);
    return p;
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
    try {
      await stream.sink([req]);
      return await readAll(stream.source, MAX_SYNC_BYTES);
    } catch (e) {
      stream.abort(e as Error);
      throw e;
    }
  }

  /** gossipsub's score of a peer (negative after it delivered rejected messages). */
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

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.node.stop();
  }
}
