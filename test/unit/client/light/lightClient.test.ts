// The light client against a synthetic chain signed with real ed25519 keys (test/fixtures/
// lightChain.ts). Catalogue: it verifies 1 → 30 sequentially and by skipping; a whole-set change
// makes skipping fall back to bisection through the hand-over; and every lie a node could tell is
// rejected with its kind: a wrong trust hash, a forged header, a header whose hash is misstated, a
// bad signature, a signer outside the set, a commit with too little power, a fork signed by a set
// the chain never handed over to, an expired trust, a header from the future, a tampered state
// proof, an absent key, and a tampered tx proof.
import { describe, expect, it } from "vitest";
import { LightClient, type LightClientOptions, type LightProvider } from "#client/light/lightClient.ts";
import { LightClientError } from "#client/light/lightClientError.ts";
import { verifyBlockResponse, verifyStoreResponse, verifyTxResponse } from "#client/light/verifiedQuery.ts";
import type { LightBlock } from "#client/light/lightBlock.ts";
import { txsHashOf } from "#consensus/blockHashes.ts";
import { proveTx } from "#consensus/txProof.ts";
import { sha256 } from "#state/crypto/hash.ts";
import { computeCommitment, MemoryCommitment } from "#state/store/commitment.ts";
import { proveKey } from "#state/store/keyProof.ts";
import { encodeKeyProof } from "#client/keyProofJson.ts";
import {
  buildLightChain,
  LIGHT_CHAIN,
  serve,
  signCommit,
  T0,
  withHeader,
  type Member,
} from "#test/fixtures/lightChain.ts";
import { testKey } from "#test/fixtures/memChain.ts";

const set = (base: number): Member[] => [4, 3, 2, 1].map((power, i) => ({ key: testKey(base + i), power }));
const A = set(100);
const B = set(200);
const C = set(300);
const DAY = 86_400_000;
const opts = (o: Partial<LightClientOptions> = {}): LightClientOptions => ({
  chainId: LIGHT_CHAIN,
  now: () => T0 + 60_000,
  ...o,
});

async function client(
  chain: LightBlock[],
  provider: LightProvider,
  o: Partial<LightClientOptions> = {},
  trustingPeriodMs = DAY,
) {
  const lc = await LightClient.create(provider, { height: 1, hash: chain[0].hash, trustingPeriodMs }, opts(o));
  const trace: string[] = [];
  lc.trace = (h, how) => trace.push(`${how}:${h}`);
  return { lc, trace };
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "accepted";
  } catch (e) {
    if (e instanceof LightClientError) return e.kind;
    throw e;
  }
}

describe("light client: headers", () => {
  const steady = buildLightChain(30, () => A);

  it("verifies 1 → 30 sequentially, every header adjacent", async () => {
    const { lc, trace } = await client(steady, serve(steady), { mode: "sequential" });
    expect((await lc.verifyHeight(30)).hash).toEqual(steady[29].hash);
    expect(trace).toHaveLength(29);
    expect(trace.every((t) => t.startsWith("adjacent:"))).toBe(true);
  });

  it("skips 1 → 30 in one step when the set is unchanged, then verifies older heights backwards", async () => {
    const p = serve(steady);
    const { lc, trace } = await client(steady, p);
    await lc.verifyLatest();
    expect(trace).toEqual(["skipping:30"]);
    expect((await lc.verifyHeight(27)).hash).toEqual(steady[26].hash);
    expect(trace.slice(1)).toEqual(["backwards:29", "backwards:28", "backwards:27"]);
  });

  it("a set change larger than 1/3 (the whole set replaced at 11): skipping falls back to bisection through the hand-over", async () => {
    const changed = buildLightChain(30, (h) => (h <= 10 ? A : B));
    const { lc, trace } = await client(changed, serve(changed));
    expect((await lc.verifyHeight(30)).hash).toEqual(changed[29].hash);
    // 10 → 11 can only be verified adjacently (A's next_validators_hash names B)
    expect(trace).toContain("adjacent:11");
    expect(trace.at(-1)).toBe("skipping:30");
  });

  it("rejects a trust hash the node's header does not match", async () => {
    await expect(
      LightClient.create(serve(steady), { height: 1, hash: steady[1].hash, trustingPeriodMs: DAY }, opts()),
    ).rejects.toMatchObject({ kind: "forged_header" });
  });

  it("rejects a forged header (another app hash under the real commit), sequentially and by skipping", async () => {
    const lies = new Map([[5, withHeader(steady[4], { stateRoot: new Uint8Array(32).fill(0xee) })]]);
    const seq = await client(steady, serve(steady, lies), { mode: "sequential" });
    expect(await kindOf(seq.lc.verifyHeight(10))).toBe("bad_commit");
    const skip = await client(steady, serve(steady, lies));
    expect(await kindOf(skip.lc.verifyHeight(5))).toBe("bad_commit");
  });

  it("rejects a header whose stated hash is not its hash, and one not linked to its predecessor", async () => {
    const misstated = { ...steady[4], hash: steady[5].hash };
    expect(
      await kindOf(
        (await client(steady, serve(steady, new Map([[5, misstated]])), { mode: "sequential" })).lc.verifyHeight(5),
      ),
    ).toBe("forged_header");
    // re-signed by the real set (as if they signed two chains): the hash link to 4 still fails
    const unlinked = withHeader(steady[4], { lastBlockId: new Uint8Array(32).fill(9) });
    const resigned = { ...unlinked, commit: signCommit(unlinked.header, A) };
    expect(
      await kindOf(
        (await client(steady, serve(steady, new Map([[5, resigned]])), { mode: "sequential" })).lc.verifyHeight(5),
      ),
    ).toBe("forged_header");
  });

  it("rejects a forged commit: a bad signature, a signer outside the set, too little power", async () => {
    const bad = structuredClone(steady[4]);
    bad.commit.signatures[1].signature[3] ^= 1;
    expect(await kindOf((await client(steady, serve(steady, new Map([[5, bad]])))).lc.verifyHeight(5))).toBe(
      "bad_commit",
    );
    // C's key signs in the place of A[3], naming its own address
    const outsider = { ...steady[4], commit: signCommit(steady[4].header, [...A.slice(0, 3), C[3]]) };
    expect(await kindOf((await client(steady, serve(steady, new Map([[5, outsider]])))).lc.verifyHeight(5))).toBe(
      "bad_commit",
    );
    // only A[0] (4 of 10): enough to skip on trust (> 1/3), not enough to commit (> 2/3)
    const weak = { ...steady[19], commit: signCommit(steady[19].header, A, [A[0]]) };
    expect(await kindOf((await client(steady, serve(steady, new Map([[20, weak]])))).lc.verifyHeight(20))).toBe(
      "not_enough_power",
    );
    const weakAdjacent = { ...steady[1], commit: signCommit(steady[1].header, A, [A[0], A[3]]) };
    expect(await kindOf((await client(steady, serve(steady, new Map([[2, weakAdjacent]])))).lc.verifyHeight(2))).toBe(
      "not_enough_power",
    );
  });

  it("rejects a fork signed by a set the chain never handed over to (C at 30, honest below)", async () => {
    const forged = withHeader(steady[29], { validatorsHash: buildLightChain(1, () => C)[0].header.validatorsHash });
    const fork = {
      ...forged,
      commit: signCommit(forged.header, C),
      validators: C.map((m) => ({ pubkey: m.key.pubkey, power: m.power })),
    };
    const { lc, trace } = await client(steady, serve(steady, new Map([[30, fork]])));
    expect(await kindOf(lc.verifyHeight(30))).toBe("wrong_validator_set");
    expect(trace).not.toContain("skipping:30");
    expect(lc.latestTrusted.height).toBeLessThan(30);
  });

  it("a set served with a header that it does not hash to is refused", async () => {
    const wrongSet = { ...steady[4], validators: B.map((m) => ({ pubkey: m.key.pubkey, power: m.power })) };
    expect(await kindOf((await client(steady, serve(steady, new Map([[5, wrongSet]])))).lc.verifyHeight(5))).toBe(
      "wrong_validator_set",
    );
  });

  it("refuses to go on from a trusted header older than the trusting period, or to a header from the future", async () => {
    const old = await client(steady, serve(steady), { now: () => T0 + 2 * DAY });
    expect(await kindOf(old.lc.verifyHeight(10))).toBe("expired");
    const early = await client(steady, serve(steady), { now: () => T0 + 5_000 });
    expect(await kindOf(early.lc.verifyHeight(30))).toBe("bad_time");
  });
});

describe("light client: proofs against verified headers", () => {
  // the state after block 7 holds three keys; its root is header 7's app hash
  const mem = new MemoryCommitment();
  const kv = [1, 2, 3].map((i) => ({ key: Uint8Array.of(0x01, i), value: Uint8Array.of(i, i, i) }));
  const u = computeCommitment(mem, kv);
  mem.apply(u, kv);
  const txs = [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5), Uint8Array.of(6)];
  const chain = buildLightChain(12, () => A, {
    stateRoot: (h) => (h === 7 ? u.root : new Uint8Array(32)),
    txsHash: (h) => (h === 9 ? txsHashOf(txs) : txsHashOf([])),
  });

  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
  type ProofJson = { index: number; leafCount: number; siblings: string[]; next: string | null; leafKey?: string };
  /** The answer of an honest node for `key` (a kv key, or one nobody wrote), optionally tampered. */
  function answerFor(key: Uint8Array, tamper?: (j: ProofJson) => void, value?: Uint8Array) {
    const j = encodeKeyProof(proveKey(mem, key)) as ProofJson;
    tamper?.(j);
    const held = value ?? mem.value(key);
    return {
      key: b64(key),
      value: held ? b64(held) : "",
      height: "7",
      proofOps: {
        ops: [{ type: "strata/imt/v1", key: b64(key), data: b64(new TextEncoder().encode(JSON.stringify(j))) }],
      },
    };
  }
  const storeAnswer = (i: number, tamper?: (j: ProofJson) => void, value = kv[i].value) =>
    answerFor(kv[i].key, tamper, value);
  function txAnswer(i: number, tx = txs[i], tamper?: (aunts: string[]) => void) {
    const p = proveTx(txs, i);
    const aunts = p.aunts.map(b64);
    tamper?.(aunts);
    return {
      hash: Buffer.from(sha256(tx)).toString("hex").toUpperCase(),
      height: "9",
      index: i,
      tx: b64(tx),
      proof: {
        root_hash: "",
        data: b64(tx),
        proof: { total: String(p.total), index: String(i), leaf_hash: b64(p.leafHash), aunts },
      },
    };
  }

  it("a store value with its proof is verified against the verified header of its height", async () => {
    const { lc } = await client(chain, serve(chain));
    const r = await verifyStoreResponse(lc, storeAnswer(1), kv[1].key);
    expect(r).toEqual({ value: kv[1].value, height: 7 });
  });

  it("a tampered value, sibling or leaf count, an answer for another key, and an absent key are refused", async () => {
    const { lc } = await client(chain, serve(chain));
    expect(await kindOf(verifyStoreResponse(lc, storeAnswer(1, undefined, Uint8Array.of(9, 9, 9))))).toBe(
      "invalid_proof",
    );
    expect(
      await kindOf(
        verifyStoreResponse(
          lc,
          storeAnswer(1, (j) => (j.siblings[0] = b64(new Uint8Array(32).fill(5)))),
        ),
      ),
    ).toBe("invalid_proof");
    expect(
      await kindOf(
        verifyStoreResponse(
          lc,
          storeAnswer(1, (j) => (j.leafCount += 1)),
        ),
      ),
    ).toBe("invalid_proof");
    expect(await kindOf(verifyStoreResponse(lc, storeAnswer(2), kv[1].key))).toBe("invalid_proof");
    // a node denying a key that holds a value: its membership proof is no absence proof
    expect(await kindOf(verifyStoreResponse(lc, { ...storeAnswer(1), value: "" }))).toBe("invalid_proof");
    // the right proof against another height's root
    expect(await kindOf(verifyStoreResponse(lc, { ...storeAnswer(1), height: "8" }))).toBe("invalid_proof");
  });

  it("a key that holds no value is verified absent; forged absence answers are refused", async () => {
    const { lc } = await client(chain, serve(chain));
    const between = Uint8Array.of(0x01, 2, 0); // after key 01 02, before 01 03
    expect(await verifyStoreResponse(lc, answerFor(between), between)).toEqual({ value: null, height: 7 });
    const last = Uint8Array.of(0x02); // after every key: the last leaf's next is "end"
    expect(await verifyStoreResponse(lc, answerFor(last), last)).toEqual({ value: null, height: 7 });
    // the absence proof of another key, offered for key 01 03 (which holds a value)
    const present = kv[2].key;
    const stolen = answerFor(between);
    const denial = {
      ...stolen,
      key: b64(present),
      proofOps: { ops: [{ ...stolen.proofOps.ops[0], key: b64(present) }] },
    };
    expect(await kindOf(verifyStoreResponse(lc, denial, present))).toBe("invalid_proof");
    // a next pointer moved past the key: the leaf no longer hashes into the root
    expect(
      await kindOf(
        verifyStoreResponse(
          lc,
          answerFor(between, (j) => (j.next = b64(Uint8Array.of(0x09)))),
          between,
        ),
      ),
    ).toBe("invalid_proof");
    // an absence answer that carries a value
    expect(await kindOf(verifyStoreResponse(lc, answerFor(between, undefined, Uint8Array.of(1)), between))).toBe(
      "invalid_proof",
    );
    // no proof at all: said before any header is fetched
    await expect(verifyStoreResponse(lc, { ...answerFor(between), proofOps: null }, between)).rejects.toThrow(
      /sent no proof/,
    );
  });

  it("a block is verified when its id is the verified header's and its txs are the ones data_hash commits to", async () => {
    const { lc } = await client(chain, serve(chain));
    const answer = (id: Uint8Array, list: Uint8Array[]) => ({
      block_id: { hash: Buffer.from(id).toString("hex").toUpperCase() },
      block: { header: { height: "9" }, data: { txs: list.map(b64) } },
    });
    expect(await verifyBlockResponse(lc, answer(chain[8].hash, txs))).toEqual({ height: 9 });
    expect(await kindOf(verifyBlockResponse(lc, answer(chain[8].hash, txs.slice(1))))).toBe("invalid_proof");
    expect(await kindOf(verifyBlockResponse(lc, answer(chain[7].hash, txs)))).toBe("forged_header");
  });

  it("a tx proof is verified against its header's data_hash; a tampered tx or sibling is refused", async () => {
    const { lc } = await client(chain, serve(chain));
    expect(await verifyTxResponse(lc, txAnswer(2))).toEqual({ height: 9 });
    expect(await kindOf(verifyTxResponse(lc, txAnswer(2, Uint8Array.of(7))))).toBe("invalid_proof");
    expect(
      await kindOf(
        verifyTxResponse(
          lc,
          txAnswer(1, undefined, (a) => (a[0] = a[1])),
        ),
      ),
    ).toBe("invalid_proof");
    expect(await kindOf(verifyTxResponse(lc, { ...txAnswer(1), height: "10" }))).toBe("invalid_proof");
    expect(await kindOf(verifyTxResponse(lc, { ...txAnswer(1), proof: undefined }))).toBe("invalid_proof");
  });
});
