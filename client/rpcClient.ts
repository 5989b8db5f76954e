// A small typed JSON-RPC client for a Strata node (fetch; works in Node and browsers).
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data: unknown) {
    super(
      typeof data === "string"
        ? `${message}: ${data}`
        : data && typeof data === "object" && "name" in data
          ? `${message} [${(data as { name: string }).name}]`
          : message,
    );
    this.code = code;
    this.data = data;
  }
}

export type BroadcastResult = { code: number; log: string; hash: string; codespace: string };
export type TxQueryResult = {
  hash: string;
  height: string;
  index: number;
  tx_result: { code: number; log: string; gas_used: string; events: unknown[] };
};

/**
 * A node address as users type it: `127.0.0.1:26657` or `localhost:26657` gets `http://`, a bare
 * port `26667` means loopback; anything that is still not an http(s) URL is refused, naming it.
 */
export function normalizeNodeUrl(raw: string): string {
  const t = raw.trim().replace(/\/+$/, "");
  const withScheme = /^\d+$/.test(t) ? `http://127.0.0.1:${t}` : /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new Error(`--node "${raw}" is not a node address (expected e.g. http://127.0.0.1:26657)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new Error(`--node "${raw}": the RPC speaks http or https, not ${u.protocol.slice(0, -1)}`);
  return withScheme;
}

export class StrataClient {
  readonly url: string;
  private id = 0;
  constructor(url = "http://127.0.0.1:26657") {
    this.url = normalizeNodeUrl(url);
  }

  async call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }),
      });
    } catch (e) {
      throw new Error(
        `cannot reach node at ${this.url}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`,
      );
    }
    const j = (await res.json()) as { result?: T; error?: { code: number; message: string; data?: unknown } };
    if (j.error) throw new RpcError(j.error.code, j.error.message, j.error.data);
    return j.result as T;
  }

  status() {
    return this.call<{
      node_info: { network: string; moniker: string };
      sync_info: {
        latest_block_height: string;
        latest_block_hash: string;
        latest_app_hash: string;
        latest_block_time: string;
        catching_up: boolean;
      };
    }>("status");
  }

  balances(address: string) {
    return this.call<{ address: string; height: string; nonce: string; balances: Record<string, string> }>(
      "bank_balances",
      { address },
    );
  }

  /** A dry run against the committed state: what the tx would do, or which rule it would break. */
  checkTx(bytes: Uint8Array) {
    return this.call<{ code: number; log: string; gas_used: string; events: unknown[]; charged: boolean }>("check_tx", {
      tx: Buffer.from(bytes).toString("base64"),
    });
  }

  broadcastTxSync(bytes: Uint8Array) {
    return this.call<BroadcastResult>("broadcast_tx_sync", { tx: Buffer.from(bytes).toString("base64") });
  }

  async tx(hash: string): Promise<TxQueryResult | undefined> {
    try {
      return await this.call<TxQueryResult>("tx", { hash });
    } catch (e) {
      if (e instanceof RpcError && (e.data as { name?: string })?.name === "TxNotFound") return undefined;
      throw e;
    }
  }

  /** Polls until the tx is in a block (or the timeout passes). */
  async waitForTx(hash: string, timeoutMs = 30_000, pollMs = 200): Promise<TxQueryResult> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.tx(hash);
      if (r) return r;
      if (Date.now() > deadline) throw new Error(`tx ${hash} was not included within ${timeoutMs / 1000}s`);
      await new Promise((res) => setTimeout(res, pollMs));
    }
  }

  async block(height?: number) {
    return this.call<{
      block_id: { hash: string };
      block: {
        header: { height: string; app_hash: string; proposer_address: string; time: string };
        data: { txs: string[] };
      };
    }>("block", height === undefined ? {} : { height: String(height) });
  }
}
