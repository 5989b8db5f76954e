// The dry run runs a tx exactly as a block would, and changes nothing.
import { describe, expect, it } from "vitest";
import { CHAIN_ID, MemChain, testKey, tx } from "#test/fixtures/memChain.ts";
import { simulateTx } from "#state/tx/simulateTx.ts";
import { ErrorCode } from "#state/errors.ts";
import { getBalance, getNonce } from "#state/modules/bank/keeper.ts";
import { ONE } from "#state/denoms.ts";

describe("simulateTx", () => {
  it("reports the code a block would give (charged or not), the events of a success, and writes nothing", () => {
    const c = new MemChain();
    const [alice, bob] = [testKey(0), testKey(1)];
    const at = { chainId: CHAIN_ID, height: c.height + 1, time: c.time };
    const before = [getBalance(c.store, alice.address, "stra"), getNonce(c.store, alice.address)];
    const claim = simulateTx(c.store, at, tx(alice, [{ type: "lst/claim", value: { requestId: 7 } }], 0n));
    expect(claim).toMatchObject({ code: ErrorCode.UnknownRequest, charged: true });
    const send = simulateTx(
      c.store,
      at,
      tx(alice, [{ type: "bank/send", value: { to: bob.address, denom: "stra", amount: ONE } }], 0n),
    );
    expect(send.code).toBe(0);
    expect(send.events.map((e) => e.type)).toContain("transfer");
    const stale = simulateTx(
      c.store,
      at,
      tx(alice, [{ type: "bank/send", value: { to: bob.address, denom: "stra", amount: ONE } }], 5n),
    );
    expect(stale).toMatchObject({ code: ErrorCode.NonceTooHigh, charged: false });
    expect(simulateTx(c.store, at, new Uint8Array([1, 2, 3])).code).toBe(ErrorCode.TxMalformed);
    expect([getBalance(c.store, alice.address, "stra"), getNonce(c.store, alice.address)]).toEqual(before);
  });
});
