import { describe, expect, it } from "vitest";
import { normalizeNodeUrl } from "#client/rpcClient.ts";

describe("--node addresses as users type them", () => {
  it("adds http:// to host:port and loopback to a bare port; keeps full URLs", () => {
    expect(normalizeNodeUrl("127.0.0.1:26657")).toBe("http://127.0.0.1:26657");
    expect(normalizeNodeUrl("localhost:26667/")).toBe("http://localhost:26667");
    expect(normalizeNodeUrl("26677")).toBe("http://127.0.0.1:26677");
    expect(normalizeNodeUrl("https://rpc.example:443")).toBe("https://rpc.example:443");
  });
  it("refuses what is not an http(s) node address, naming it", () => {
    expect(() => normalizeNodeUrl("ws://127.0.0.1:26657")).toThrow(/http or https, not ws/);
    expect(() => normalizeNodeUrl("my node")).toThrow(/"my node" is not a node address/);
  });
});
