// Consensus-key rotation: the set decided at H carries the new key (it signs from H + 2, H + 1 is
// still the old key's); the old key stays attributable, so a double sign with it after the
// rotation is still punished; a key is never reused; one rotation per unbonding period.
import type { Misbehaviour } from "#state/misbehaviour.ts";
import { describe, expect, it } from "vitest";
import { MemChain, testGenesisJson, testKey, tx, doubleSignAt } from "#test/fixtures/memChain.ts";
import { ErrorCode } from "#state/errors.ts";
import { ONE } from "#state/denoms.ts";
import { getPendingValidators, getValidators } from "#state/validators.ts";
import { getValidator } from "#state/modules/staking/store.ts";

const carol = testKey(2);
const [oldKey, newKey, otherKey] = [testKey(20_000), testKey(20_001), testKey(20_002)];
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const run = (c: MemChain, who: typeof carol, m: Parameters<typeof tx>[1]) => c.block([tx(who, m, c.nonce(who))])[0];

function evidence(c: MemChain, k: typeof carol): Misbehaviour {
  return doubleSignAt(k.address, c.height);
}

describe("staking/rotate_cons_pubkey", () => {
  it("takes effect at H + 2, keeps the old key attributable, refuses reuse and a second rotation too soon", () => {
    const c = new MemChain(testGenesisJson(4, 1_000_000n * ONE, { staking: { unbondingTimeMs: "60000" } }));
    expect(
      run(c, carol, [
        {
          type: "staking/create_validator",
          value: {
            consensusPubkey: oldKey.pubkey,
            moniker: "c",
            commissionRate: 0n,
            maxCommissionRate: ONE,
            selfStake: 100n * ONE,
          },
        },
      ]).code,
    ).toBe(0);
    c.block([]);
    c.block([]);
    const inSet = (vals: { pubkey: Uint8Array }[], k: typeof carol) =>
      vals.some((v) => hex(v.pubkey) === hex(k.pubkey));
    expect(inSet(getValidators(c.store), oldKey)).toBe(true);
    // reusing a key in use is refused
    expect(
      run(c, carol, [{ type: "staking/rotate_cons_pubkey", value: { consensusPubkey: testKey(10_000).pubkey } }]).code,
    ).toBe(ErrorCode.ConsensusKeyInUse);
    const r = run(c, carol, [{ type: "staking/rotate_cons_pubkey", value: { consensusPubkey: newKey.pubkey } }]);
    expect(r.code, r.log).toBe(0);
    const h = c.height;
    expect(
      r.events.find((e) => e.type === "rotate_cons_pubkey")!.attributes.find((a) => a.key === "effective_height")!
        .value,
    ).toBe(String(h + 2));
    // after block H: S_{H+1} still has the old key, S_{H+2} the new one
    expect(inSet(getValidators(c.store), oldKey)).toBe(true);
    expect(inSet(getPendingValidators(c.store), newKey)).toBe(true);
    expect(inSet(getPendingValidators(c.store), oldKey)).toBe(false);
    expect(hex(getValidator(c.store, carol.address)!.consensusPubkey)).toBe(hex(newKey.pubkey));
    // too soon for another rotation; the old key can never come back
    expect(
      run(c, carol, [{ type: "staking/rotate_cons_pubkey", value: { consensusPubkey: otherKey.pubkey } }]).code,
    ).toBe(ErrorCode.RotationTooSoon);
    expect(
      run(c, testKey(3), [
        {
          type: "staking/create_validator",
          value: {
            consensusPubkey: oldKey.pubkey,
            moniker: "d",
            commissionRate: 0n,
            maxCommissionRate: ONE,
            selfStake: 10n * ONE,
          },
        },
      ]).code,
    ).toBe(ErrorCode.ConsensusKeyInUse);
    // a double sign with the rotated-out key is still the validator's
    const tokens = getValidator(c.store, carol.address)!.tokens;
    c.block([], true, undefined, [evidence(c, oldKey)]);
    const v = getValidator(c.store, carol.address)!;
    expect(v.tombstoned).toBe(true);
    expect(v.tokens).toBeLessThan(tokens);
  });
});
