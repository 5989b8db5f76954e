// A client-side history checker for perturbation runs (as Jepsen's or CometBFT e2e's load
// generators): senders submit transfers throughout to random nodes, each accepted tx (code 0) is
// recorded, and at the end every accepted tx must be in exactly one block, or have been
// reported expired by a node (`tx` says "expired"), never silently gone. A sender sends one tx at
// a time and waits for its fate; after an expiry it takes its nonce from the chain again.
import { createHash } from "node:crypto";
import { signTx } from "#client/tx.ts";
import { RpcError, type StrataClient } from "#client/rpcClient.ts";
import type { TestKey } from "../fixtures/memChain.ts";
import { TEST_FEE } from "./submit.ts";

export type Accepted = {
  hash: string;
  sender: string;
  nonce: bigint;
  node: number;
  at: number;
  fate?: "included" | "expired";
  why?: string;
};

export type HistoryReport = {
  accepted: number;
  refused: number;
  included: number;
  expired: number;
  /** expired txs by the reason the node gave (ttl, dependency, recheck, evicted) */
  expiredBy: Record<string, number>;
  /** accepted, neither in a block nor reported expired: silently dropped */
  lost: Accepted[];
  /** in more than one block */
  duplicated: string[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fate of `hash` as any live node tells it (and, if expired, the node's reason). */
async function fateOf(
  clients: StrataClient[],
  hash: string,
): Promise<{ fate: "included" | "expired"; why?: string } | undefined> {
  let why: string | undefined;
  for (const c of clients) {
    try {
      await c.call("tx", { hash });
      return { fate: "included" };
    } catch (e) {
      if (e instanceof RpcError && /expired/.test(e.message)) why = /\((\w+)\)/.exec(e.message)?.[1] ?? "?";
    }
  }
  return why ? { fate: "expired", why } : undefined;
}

export class History {
  readonly accepted: Accepted[] = [];
  private refused = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly clients: StrataClient[];
  private readonly chainId: string;
  private readonly senders: TestKey[];
  private readonly to: Uint8Array;

  constructor(clients: StrataClient[], chainId: string, senders: TestKey[]) {
    this.clients = clients;
    this.chainId = chainId;
    this.senders = senders;
    this.to = senders[0]!.address;
  }

  start(): void {
    this.running = true;
    this.loops = this.senders.map((k) => this.senderLoop(k));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async chainNonce(k: TestKey): Promise<bigint | undefined> {
    for (const c of [...this.clients].sort(() => Math.random() - 0.5)) {
      try {
        return BigInt((await c.balances(k.bech32)).nonce);
      } catch {
        /* node down */
      }
    }
    return undefined;
  }

  private async senderLoop(k: TestKey): Promise<void> {
    let nonce: bigint | undefined;
    while (this.running) {
      nonce ??= await this.chainNonce(k);
      if (nonce === undefined) {
        await sleep(200);
        continue;
      }
      const t = signTx(k.seed, {
        chainId: this.chainId,
        nonce,
        fee: TEST_FEE,
        msgs: [{ type: "bank/send", value: { to: this.to, denom: "stra", amount: 1n } }],
      });
      const node = Math.floor(Math.random() * this.clients.length);
      let code: number;
      try {
        code = (await this.clients[node]!.broadcastTxSync(t.bytes)).code;
      } catch {
        code = -1; // node down, or the RPC refused: not accepted
      }
      if (code !== 0) {
        this.refused++;
        nonce = undefined; // perhaps an earlier tx of ours got in meanwhile
        await sleep(200);
        continue;
      }
      const a: Accepted = { hash: t.hash, sender: k.bech32, nonce, node, at: Date.now() };
      this.accepted.push(a);
      // wait for its fate (while the run lasts), then go on from the chain's nonce
      while (this.running && !a.fate) {
        const f = await fateOf(this.clients, t.hash);
        if (f) Object.assign(a, f);
        else await sleep(300);
      }
      nonce = a.fate === "included" ? nonce + 1n : undefined;
    }
  }

  /**
   * The final verdict, once the net has settled: fates of the txs still open are asked again
   * for up to `settleMs`, and every block up to `height` is read once to count inclusions.
   */
  async verdict(client: StrataClient, height: number, settleMs: number): Promise<HistoryReport> {
    const deadline = Date.now() + settleMs;
    for (const a of this.accepted) {
      while (!a.fate) {
        const f = await fateOf(this.clients, a.hash);
        if (f) Object.assign(a, f);
        if (a.fate || Date.now() > deadline) break;
        await sleep(500);
      }
    }
    const seen = new Map<string, number>();
    for (let h = 1; h <= height; h++) {
      const b = await client.block(h);
      for (const tx of b.block.data.txs) {
        const hash = createHash("sha256").update(Buffer.from(tx, "base64")).digest("hex").toUpperCase();
        seen.set(hash, (seen.get(hash) ?? 0) + 1);
      }
    }
    const mine = new Set(this.accepted.map((a) => a.hash.toUpperCase()));
    // the blocks have the last word: a tx one node reported expired may still have been
    // included from another node's mempool (its nonce keeps it to once)
    for (const a of this.accepted) if (seen.has(a.hash.toUpperCase())) a.fate = "included";
    return {
      accepted: this.accepted.length,
      refused: this.refused,
      included: this.accepted.filter((a) => a.fate === "included").length,
      expired: this.accepted.filter((a) => a.fate === "expired").length,
      expiredBy: this.accepted
        .filter((a) => a.fate === "expired")
        .reduce<Record<string, number>>((m, a) => ((m[a.why ?? "?"] = (m[a.why ?? "?"] ?? 0) + 1), m), {}),
      lost: this.accepted.filter((a) => !a.fate),
      duplicated: [...seen].filter(([h, n]) => mine.has(h) && n > 1).map(([h]) => h),
    };
  }
}
