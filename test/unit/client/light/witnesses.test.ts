// Witness cross-check: an agreeing witness, a lying witness (reported faulty, the primary's header
// stands), one that cannot answer, and a fork signed by the real validators (two headers at one
// height that both verify from the trusted one): the client refuses to trust either.
import { describe, expect, it } from "vitest";
import { LightClient, type LightProvider } from "#client/light/lightClient.ts";
import { LightClientError } from "#client/light/lightClientError.ts";
import { crossCheck } from "#client/light/witnesses.ts";
import { buildLightChain, LIGHT_CHAIN, serve, T0, withHeader, type Member } from "#test/fixtures/lightChain.ts";
import { testKey } from "#test/fixtures/memChain.ts";

const A: Member[] = [4, 3, 2, 1].map((power, i) => ({ key: testKey(100 + i), power }));
const opts = { chainId: LIGHT_CHAIN, now: () => T0 + 60_000 };
const honest = buildLightChain(30, () => A);
// the same validators also signed another history from height 20 on (an equivocation at scale)
const forked = buildLightChain(30, () => A, {
  stateRoot: (h) => new Uint8Array(32).fill(h >= 20 ? 0xee : h & 0xff),
});
const trust = { height: 1, hash: honest[0].hash, trustingPeriodMs: 86_400_000 };

async function verifiedAt(h: number) {
  const lc = await LightClient.create(serve(honest), trust, opts);
  return lc.verifyHeight(h);
}

describe("light client: witnesses", () => {
  it("the fork fixture really is two valid histories that share heights 1..19", () => {
    expect(Buffer.compare(forked[18].hash, honest[18].hash)).toBe(0);
    expect(Buffer.compare(forked[24].hash, honest[24].hash)).not.toBe(0);
  });

  it("an honest witness agrees", async () => {
    const v = await verifiedAt(25);
    expect(await crossCheck(v, trust, opts, [{ name: "w1", provider: serve(honest) }])).toEqual([
      { witness: "w1", verdict: "agrees" },
    ]);
  });

  it("a witness serving a header it cannot prove is reported faulty; the primary's header stands", async () => {
    const v = await verifiedAt(25);
    const lie = withHeader(honest[24], { stateRoot: new Uint8Array(32).fill(9) }); // the real commit, another header
    const [r] = await crossCheck(v, trust, opts, [{ name: "liar", provider: serve(honest, new Map([[25, lie]])) }]);
    expect(r).toMatchObject({ witness: "liar", verdict: "faulty" });
    expect(r.verdict === "faulty" && r.why).toMatch(/^forged_header|^bad_commit/);
  });

  it("a witness that cannot answer is unreachable, not evidence either way", async () => {
    const v = await verifiedAt(25);
    const down: LightProvider = {
      lightBlock: async () => {
        throw new Error("connect ECONNREFUSED");
      },
      latestHeight: async () => 0,
    };
    expect(await crossCheck(v, trust, opts, [{ name: "down", provider: down }])).toEqual([
      { witness: "down", verdict: "unreachable", why: "connect ECONNREFUSED" },
    ]);
  });

  it("a witness proving another header at the same height from the same trust: conflicting_headers", async () => {
    const v = await verifiedAt(25);
    const err = await crossCheck(v, trust, opts, [
      { name: "w1", provider: serve(honest) },
      { name: "fork", provider: serve(forked) },
    ]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LightClientError);
    expect((err as LightClientError).kind).toBe("conflicting_headers");
    expect((err as LightClientError).message).toContain("witness fork proves header");
    // and the other way round: a client whose primary is the fork learns it from an honest witness
    const onFork = await (await LightClient.create(serve(forked), trust, opts)).verifyHeight(25);
    await expect(crossCheck(onFork, trust, opts, [{ name: "honest", provider: serve(honest) }])).rejects.toThrow(
      /both verify from the trusted header/,
    );
  });
});
