// How many RPC connections fit in the process's open-files limit (node/fdLimit.ts).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { CONNECTION_SLACK, openFilesLimit, parseOpenFilesLimit, rpcConnectionLimits } from "#node/fdLimit.ts";

const limits = (soft: string, hard: string) =>
  [
    "Limit                     Soft Limit           Hard Limit           Units     ",
    "Max processes             95480                95480                processes ",
    `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     `,
    "Max locked memory         8388608              8388608              bytes     ",
  ].join("\n");

describe("open-files limit", () => {
  it("reads the soft limit, not the hard one", () => {
    expect(parseOpenFilesLimit(limits("1024", "524288"))).toBe(1024);
    expect(parseOpenFilesLimit(limits("unlimited", "unlimited"))).toBeUndefined();
    expect(parseOpenFilesLimit("")).toBeUndefined();
    expect(parseOpenFilesLimit("Max processes  10  10  processes")).toBeUndefined();
  });

  it("reads this process's own limit on Linux", () => {
    const own = parseOpenFilesLimit(readFileSync("/proc/self/limits", "utf8"));
    expect(own).toBeGreaterThan(0);
    expect(openFilesLimit()).toBe(own);
  });

  it("keeps the configured connections when they fit in half the limit, else lowers them", () => {
    const limitsFor = (configured: number, files: number | undefined) => {
      const { maxOpenConnections, maxAcceptedConnections } = rpcConnectionLimits(configured, files);
      return { maxOpenConnections, maxAcceptedConnections };
    };
    // a large limit: 900 served, and up to half the limit accepted (the rest refused with a 503)
    expect(limitsFor(900, 20_000)).toEqual({ maxOpenConnections: 900, maxAcceptedConnections: 10_000 });
    expect(limitsFor(900, undefined)).toEqual({
      maxOpenConnections: 900,
      maxAcceptedConnections: 900 + CONNECTION_SLACK,
    });
    // the usual soft limit: half of it for the RPC, of which the slack is accepted only to be refused
    expect(limitsFor(900, 1024)).toEqual({ maxOpenConnections: 512 - CONNECTION_SLACK, maxAcceptedConnections: 512 });
    // never below one, whatever the limit
    expect(limitsFor(900, 64).maxOpenConnections).toBe(1);
    expect(limitsFor(5, 1024)).toEqual({ maxOpenConnections: 5, maxAcceptedConnections: 512 });
  });

  it("gives one remote address half the connections served, unless configured", () => {
    expect(rpcConnectionLimits(900, 20_000).maxConnectionsPerIp).toBe(450);
    // half of what is left after fitting the open-files limit, not of the configured figure
    expect(rpcConnectionLimits(900, 1024).maxConnectionsPerIp).toBe(206);
    expect(rpcConnectionLimits(1, undefined).maxConnectionsPerIp).toBe(1);
    expect(rpcConnectionLimits(5, undefined).maxConnectionsPerIp).toBe(3);
    // configured (a node behind a proxy sets it to the whole limit)
    expect(rpcConnectionLimits(900, 1024, 900).maxConnectionsPerIp).toBe(900);
    expect(rpcConnectionLimits(900, undefined, 10).maxConnectionsPerIp).toBe(10);
  });
});
