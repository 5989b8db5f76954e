// Adding a message touches its module folder only: a module built from a manifest alone (codec,
// gas, stateless check, read-only verify with a named reason, execute) is decoded, priced and
// executed by the unchanged tx pipeline once the app lists it; the app refuses a module listed
// twice; and every message of the real app declares its gas (a missing entry used to make a
// message free).
import { describe, expect, expectTypeOf, it } from "vitest";
import type { AnyMsg } from "#client/tx.ts";
import { ByteListType, ContainerType } from "@chainsafe/ssz";
import { APP, buildApp } from "#state/app.ts";
import { msgDef, type Module } from "#state/module.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { event } from "#state/events.ts";
import { decodeTx, txSignBytes } from "#state/tx/decodeTx.ts";
import { executeBlock } from "#state/execution/executeBlock.ts";
import { SignedTx } from "#state/encoding/types.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { GAS_PER_BYTE, TX_BASE_GAS } from "#state/gas.ts";
import { CHAIN_ID, MIN_GAS_PRICE, MemChain, testKey } from "#test/fixtures/memChain.ts";

const MsgNote = new ContainerType({ text: new ByteListType(64) }, { typeName: "MsgNote" });
const text = (b: Uint8Array) => Buffer.from(b).toString();

/** An example module, as a developer would add one: a folder with this manifest. */
const memoModule: Module = {
  name: "memo",
  msgs: {
    note: msgDef({
      schema: MsgNote,
      gas: 7_000n,
      validateBasic: (m) => {
        if (m.text.length === 0) throw new StrataError(ErrorCode.TxMalformed, "text must not be empty");
      },
      verify: (_ctx, _signer, m) =>
        text(m.text) === "forbidden" ? new StrataError(ErrorCode.Unauthorized, "that note is not allowed") : undefined,
      execute: (ctx, _signer, m) => void ctx.events.push(event("note", { text: text(m.text) })),
    }),
  },
  queries: {
    echo: {
      summary: "says what it was asked",
      args: [{ name: "text", kind: "string", maxLength: 16 }],
      run: (_s, a) => ({ text: a.text }),
    },
  },
};

function signed(note: string, nonce: bigint): Uint8Array {
  const k = testKey(0);
  const body = {
    chainId: new TextEncoder().encode(CHAIN_ID),
    signer: k.pubkey,
    nonce,
    fee: 100_000n * MIN_GAS_PRICE,
    msgs: [
      {
        type: new TextEncoder().encode("memo/note"),
        value: MsgNote.serialize({ text: new TextEncoder().encode(note) }),
      },
    ],
    memo: new Uint8Array(0),
  };
  return SignedTx.serialize({ body, signature: signMessage(k.seed, txSignBytes(body)) });
}

describe("module manifests", () => {
  it("a module added to the list is decoded, priced and executed with no other change", () => {
    const app = buildApp([...APP.modules, memoModule]);
    expect(app.msgs.has("memo/note")).toBe(true);
    expect(() => decodeTx(signed("hi", 0n))).toThrow(/unknown message type "memo\/note"/); // the real app does not list it
    const tx = decodeTx(signed("hi", 0n), app.msgs);
    expect(tx.gas).toBe(TX_BASE_GAS + GAS_PER_BYTE * BigInt(tx.bytes.length) + 7_000n);
    const c = new MemChain();
    const ok = executeBlock(
      c.store,
      { chainId: CHAIN_ID, height: 1, time: c.time + 1000, txs: [tx] },
      () => false,
      app,
    );
    expect(ok.results[0].code, ok.results[0].log).toBe(0);
    expect(ok.results[0].events.find((e) => e.type === "note")?.attributes[0].value).toBe("hi");
    const refused = executeBlock(
      c.store,
      { chainId: CHAIN_ID, height: 1, time: c.time + 1000, txs: [decodeTx(signed("forbidden", 0n), app.msgs)] },
      () => false,
      app,
    );
    expect(refused.results[0].code).toBe(ErrorCode.Unauthorized); // verify's named reason
    expect(() => decodeTx(signed("", 0n), app.msgs)).toThrow(/text must not be empty/);
  });

  it("a module's queries are registered as <module>_<name>, beside the app's own", () => {
    const app = buildApp([...APP.modules, memoModule]);
    expect(APP.queries.has("memo_echo")).toBe(false);
    expect(app.queries.get("memo_echo")?.run(new MemChain().store, { text: "hi" })).toEqual({ text: "hi" });
    for (const name of [
      "bank_balances",
      "staking_validators",
      "lst_state",
      "lrt_requests",
      "strategy_pool",
      "staking_validator",
      "chain_yields",
      "params",
    ]) {
      expect(APP.queries.has(name), name).toBe(true);
    }
    expect(() => buildApp([...APP.modules], undefined, { bank_supply: memoModule.queries!.echo! })).toThrow(
      /query "bank_supply" is registered twice/,
    );
  });

  it("the client's message types are derived from the manifests: the same 23 kinds, typed from their codecs", () => {
    // tsc fails here if the derived union gains or loses a kind; the test fails if the registry differs
    const kinds: Record<AnyMsg["type"], true> = {
      "bank/send": true,
      "staking/create_validator": true,
      "staking/edit_validator": true,
      "staking/delegate": true,
      "staking/undelegate": true,
      "staking/redelegate": true,
      "staking/rotate_cons_pubkey": true,
      "distribution/withdraw_rewards": true,
      "distribution/withdraw_commission": true,
      "slashing/unjail": true,
      "lst/stake": true,
      "lst/unstake": true,
      "lst/claim": true,
      "lst/resume": true,
      "lrt/restake": true,
      "lrt/request_withdrawal": true,
      "lrt/claim": true,
      "strategy/opt_in": true,
      "strategy/opt_out": true,
      "strategy/swap": true,
      "strategy/add_liquidity": true,
      "strategy/remove_liquidity": true,
      "params/update": true,
    };
    expect(Object.keys(kinds).sort()).toEqual([...APP.msgs.keys()].sort());
    expectTypeOf<Extract<AnyMsg, { type: "strategy/swap" }>["value"]>().toEqualTypeOf<{
      pool: string;
      denomIn: string;
      amountIn: bigint;
      minOut: bigint;
    }>();
    expectTypeOf<Extract<AnyMsg, { type: "lst/claim" }>["value"]>().toEqualTypeOf<{ requestId: number }>();
  });

  it("the app refuses a module listed twice", () => {
    expect(() => buildApp([...APP.modules, memoModule, memoModule])).toThrow(/listed twice/);
  });

  it("every message of the app has a codec, a positive gas and a handler", () => {
    expect(APP.msgs.size).toBe(23);
    for (const [type, d] of APP.msgs) {
      expect(type).toMatch(/^[a-z]+\/[a-z_]+$/);
      expect(d.gas, type).toBeGreaterThan(0n);
      expect(typeof d.execute, type).toBe("function");
    }
  });
});
