// An RPC server alone on a free loopback port, with no chain behind it: for the server's own
// limits (connections, unread answers), with `methods` standing in for the node's.
import type { FastifyInstance } from "fastify";
import { startRpcServer, type RpcServerOptions } from "#rpc/server.ts";
import { EventBus } from "#rpc/eventBus.ts";
import type { Method } from "#rpc/jsonrpc.ts";
import type { Chain } from "#node/chain.ts";
import { freePort } from "./proc.ts";

export async function startBareRpcServer(
  methods: [string, Method][],
  opts: Partial<RpcServerOptions> = {},
): Promise<{ app: FastifyInstance; port: number }> {
  const port = await freePort();
  const app = await startRpcServer(
    new Map(methods),
    { host: "127.0.0.1", port, maxBodyBytes: 4096, maxBatch: 10, corsOrigins: [], ...opts },
    new EventBus({ on() {} } as unknown as Chain),
  );
  return { app, port };
}
