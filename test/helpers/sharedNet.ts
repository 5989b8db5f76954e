// A test file's handle on the shared single-validator devnet of netBroker.ts. Use it where a
// file only needs a running node: it must not stop, restart or reconfigure the node, and must not
// assume fresh accounts (read nonces from the chain; make keys of its own when it needs them).
import { afterAll, beforeAll, inject } from "vitest";
import { StrataClient } from "#client/rpcClient.ts";
import type { SharedNetHealth, SharedNetInfo } from "./netBroker.ts";

export type SharedNet = {
  dir: string;
  homes: string[];
  clients: StrataClient[];
  /** whether the node still runs and what it printed */
  health(): Promise<SharedNetHealth>;
};

async function brokerCall<T>(method: "GET" | "POST", path: string): Promise<T> {
  const r = await fetch(inject("netBroker") + path, { method });
  const body = (await r.json()) as T & { error?: string };
  if (!r.ok) throw new Error(`shared devnet: ${body.error ?? r.status}`);
  return body;
}

/**
 * Acquires the shared devnet before this file's tests and releases it after them. The returned
 * object is filled in by beforeAll: read its fields inside hooks and tests only.
 */
export function useSharedNet(): SharedNet {
  const net: SharedNet = {
    dir: "",
    homes: [],
    clients: [],
    health: () => brokerCall<SharedNetHealth>("GET", "/health"),
  };
  beforeAll(async () => {
    const info = await brokerCall<SharedNetInfo>("POST", "/acquire");
    Object.assign(net, { dir: info.dir, homes: info.homes, clients: info.rpc.map((u) => new StrataClient(u)) });
  }, 90_000);
  afterAll(async () => {
    await brokerCall("POST", "/release");
  });
  return net;
}
