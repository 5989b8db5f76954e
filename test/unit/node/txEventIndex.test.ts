import { describe, expect, it } from "vitest";
import { eventKey, eventPosition, searchPrefix, txEventKeys } from "#node/txEventIndex.ts";
import { encodeAddress } from "#state/crypto/address.ts";

const raw = new Uint8Array(20).fill(3);
const addr = encodeAddress(raw);

describe("tx event index", () => {
  it("answers equality on an account address, nothing else", () => {
    expect(searchPrefix(addr)).toEqual(Uint8Array.of(1, ...raw));
    expect(searchPrefix("bank/send")).toBeUndefined();
    expect(searchPrefix("strata1notanaddressxxxxxxxxxxxxxxxxxxxxxxxx")).toBeUndefined(); // bad checksum
  });

  it("keys sort by (address, height, index) and give their position back", () => {
    const k1 = eventKey(raw, 7, 2);
    const k2 = eventKey(raw, 7, 10);
    const k3 = eventKey(raw, 300, 0);
    expect(Buffer.compare(k1, k2)).toBeLessThan(0);
    expect(Buffer.compare(k2, k3)).toBeLessThan(0);
    expect(Buffer.from(k3.subarray(0, 21)).equals(Buffer.from(searchPrefix(addr)!))).toBe(true);
    expect(eventPosition(k2)).toEqual({ height: 7, index: 10 });
  });

  it("one entry per distinct address in a tx's events", () => {
    const other = encodeAddress(new Uint8Array(20).fill(9));
    const keys = txEventKeys(
      [
        {
          type: "message",
          attributes: [
            { key: "action", value: "bank/send" },
            { key: "sender", value: addr },
          ],
        },
        {
          type: "transfer",
          attributes: [
            { key: "sender", value: addr },
            { key: "recipient", value: other },
            { key: "amount", value: "1stra" },
          ],
        },
      ],
      5,
      1,
    );
    expect(keys.map((k) => Buffer.from(k.subarray(1, 21)).toString("hex"))).toEqual([
      Buffer.from(raw).toString("hex"),
      "09".repeat(20),
    ]);
  });
});
