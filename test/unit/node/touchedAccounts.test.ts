// The senders a block touched are read from its changes: every account record written, nothing else.
import { describe, expect, it } from "vitest";
import { touchedAccounts } from "#node/touchedAccounts.ts";
import { accountKey, supplyKey } from "#state/modules/bank/store.ts";

describe("touchedAccounts", () => {
  it("names the accounts whose record a change writes, in hex, and no other key", () => {
    const a = new Uint8Array(20).fill(1);
    const b = new Uint8Array(20).fill(2);
    const got = touchedAccounts([
      { key: accountKey(a), value: new Uint8Array([1]) },
      { key: accountKey(b), value: null },
      { key: supplyKey("stra"), value: new Uint8Array([1]) },
    ]);
    expect([...got].sort()).toEqual([Buffer.from(a).toString("hex"), Buffer.from(b).toString("hex")]);
  });
});
