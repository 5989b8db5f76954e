// The process's limit on open files, and how it is shared. Every RPC connection costs a file
// descriptor, and a node out of them cannot write its own state: measured with the usual soft
// limit of 1,024, 1,100 ordinary HTTP clients made the node fail to write sign_state and stop.
// So the RPC may use at most half the limit; the rest is for peers (at most 100), LevelDB (which
// maps its table files into memory and closes their descriptors: 0 held for a 31-table database),
// the WAL, logs and the mempool log.
import { readFileSync } from "node:fs";

/**
 * Connections accepted past the RPC's limit only to be answered 503 and closed, at least: where
 * the open-files limit is known, the RPC accepts up to half of it, so a crowd is refused with a
 * reason rather than reset.
 */
export const CONNECTION_SLACK = 100;

export type RpcConnectionLimits = {
  /** connections served at once */
  maxOpenConnections: number;
  /** connections accepted at once (the ones past maxOpenConnections to be refused); more are closed at accept */
  maxAcceptedConnections: number;
  /** connections served at once from one remote address */
  maxConnectionsPerIp: number;
};

/** This process's soft open-files limit, or undefined (not Linux, unlimited, unreadable). */
export function openFilesLimit(): number | undefined {
  try {
    return parseOpenFilesLimit(readFileSync("/proc/self/limits", "utf8"));
  } catch {
    return undefined;
  }
}

/** The soft "Max open files" of /proc/<pid>/limits, or undefined (not Linux, unlimited, unreadable). */
export function parseOpenFilesLimit(limits: string): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  if (!m || m[1] === "unlimited") return undefined;
  return Number(m[1]);
}

/**
 * The RPC's connection limits: `configured`, lowered to fit half the open-files limit; one remote
 * address may hold `perIp` of them, by default half (so a single client, however many sockets it
 * opens, leaves the other half to everyone else; a node behind a proxy, where every client has
 * the proxy's address, sets it to maxOpenConnections).
 */
export function rpcConnectionLimits(
  configured: number,
  openFilesLimit: number | undefined,
  perIp?: number,
): RpcConnectionLimits {
  const limitsOf = (max: number, accepted: number): RpcConnectionLimits => ({
    maxOpenConnections: max,
    maxAcceptedConnections: accepted,
    maxConnectionsPerIp: perIp ?? Math.max(1, Math.ceil(max / 2)),
  });
  if (openFilesLimit === undefined) return limitsOf(configured, configured + CONNECTION_SLACK);
  const budget = Math.floor(openFilesLimit / 2);
  const max = Math.max(1, Math.min(configured, budget - CONNECTION_SLACK));
  return limitsOf(max, Math.max(max + CONNECTION_SLACK, budget));
}
