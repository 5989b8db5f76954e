// CometBFT's URI argument forms: "quoted" JSON strings, 0x… bytes (base64 for tx, bare hex for
// hash and data), everything else untouched; malformed hex is refused naming the param.
import { describe, expect, it } from "vitest";
import { uriArg } from "#rpc/uriArgs.ts";
import { ipOf, nodeIdOf, tcpAddress } from "#rpc/nodeId.ts";

describe("URI arguments", () => {
  it("quoted strings are JSON strings", () => {
    expect(uriArg("query", '"tx.height=5"')).toBe("tx.height=5");
    expect(uriArg("query", `"message.sender='a' AND tx.height>1"`)).toBe("message.sender='a' AND tx.height>1");
    expect(uriArg("path", '"a\\"b"')).toBe('a"b');
    expect(uriArg("path", '"bad \\x escape"')).toBe("bad \\x escape");
  });
  it("0x… is bytes: base64 for tx, bare hex for the others", () => {
    expect(uriArg("tx", "0x0102ff")).toBe(Buffer.from([1, 2, 255]).toString("base64"));
    expect(uriArg("hash", `0x${"AB".repeat(32)}`)).toBe("AB".repeat(32));
    expect(uriArg("data", "0X00ff")).toBe("00ff");
    expect(() => uriArg("hash", "0xabc")).toThrow(/hash/);
    expect(() => uriArg("tx", "0xzz")).toThrow(/tx/);
  });
  it("other values pass as they are", () => {
    expect(uriArg("height", "5")).toBe("5");
    expect(uriArg("prove", "true")).toBe("true");
    expect(uriArg("hash", "AB".repeat(32))).toBe("AB".repeat(32));
  });
  it("node ids and addresses as CometBFT writes them", () => {
    expect(nodeIdOf("12D3KooWabc")).toMatch(/^[0-9a-f]{40}$/);
    expect(nodeIdOf("12D3KooWabc")).not.toBe(nodeIdOf("12D3KooWabd"));
    expect(tcpAddress("/ip4/127.0.0.1/tcp/26656/p2p/12D3KooWabc")).toBe("tcp://127.0.0.1:26656");
    expect(ipOf("/ip4/10.0.0.7/tcp/5")).toBe("10.0.0.7");
  });
});
