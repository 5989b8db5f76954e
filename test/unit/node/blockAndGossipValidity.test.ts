// Bad input from the network is rejected with a named reason and never crashes the node:
// garbage, votes from non-validators or with bad signatures, stale heights, bad proposals,
// blocks with a wrong state root, wrong proposer, broken lastCommit or wrong height.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain, DEFAULT_MEMPOOL } from "#node/chain.ts";
import { ConsensusDriver, DEFAULT_DRIVER } from "#node/consensusDriver.ts";
import { createLogger } from "#node/logger.ts";
import { parseGenesis } from "#state/genesis.ts";
import { Block } from "#state/encoding/types.ts";
import { blockIdOf } from "#consensus/blockHashes.ts";
import { VoteType, voteSignBytes } from "#consensus/vote.ts";
import { proposalSignBytes } from "#consensus/proposal.ts";
import { ProposalMsg, VoteMsg } from "#node/wire.ts";
import { toCompact } from "#node/compactBlock.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { ProposerSchedule } from "#node/proposerSchedule.ts";
import { testKey, testGenesisJson } from "#test/fixtures/memChain.ts";

const vals = [0, 1, 2, 3].map((i) => testKey(500 + i));
const outsider = testKey(900);

describe("block and gossip validity", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-val-"));
  let chain: Chain;
  let driver: ConsensusDriver;
  const silent = createLogger({ name: "t", out: () => {} });

  beforeAll(async () => {
    const g = testGenesisJson(2);
    g.validators = vals.map((v, i) => ({
      pubkey: Buffer.from(v.pubkey).toString("hex"),
      power: String(40 - i * 10),
      moniker: `v${i}`,
    }));
    const bytes = new TextEncoder().encode(JSON.stringify(g));
    chain = await Chain.open(dir, parseGenesis(g), bytes, { mempool: DEFAULT_MEMPOOL });
    const net = { publish: async () => {}, request: async () => new Uint8Array(), peers: () => [] };
    driver = new ConsensusDriver(
      chain,
      undefined,
      net,
      ProposerSchedule.open(chain.validators(), chain.height + 1),
      DEFAULT_DRIVER,
      silent,
    );
    driver.start();
  });

  afterAll(async () => {
    driver.stop();
    await chain.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const voteMsg = (signer: (typeof vals)[0], height: number, tamper = false) => {
    const body = {
      type: VoteType.Prevote,
      height,
      round: 0,
      blockId: new Uint8Array(32),
      timestamp: 1,
      validator: signer.address,
    };
    const signature = signMessage(signer.seed, voteSignBytes(chain.chainId, body));
    if (tamper) signature[0] ^= 1;
    return VoteMsg.serialize({ vote: { body, signature }, nonce: 0 });
  };

  it("a driver not yet started acts on no gossip: a future-height vote asks no peer for blocks", async () => {
    let requests = 0;
    const net = { publish: async () => {}, request: async () => (requests++, new Uint8Array()), peers: () => ["peer"] };
    const idle = new ConsensusDriver(
      chain,
      undefined,
      net,
      ProposerSchedule.open(chain.validators(), chain.height + 1),
      DEFAULT_DRIVER,
      silent,
    );
    idle.onGossip("vote", voteMsg(vals[1], chain.height + 5));
    await idle.maybeSync();
    await new Promise((r) => setImmediate(r));
    expect(requests).toBe(0); // a sync before start() could move the chain past the WAL's height unchecked
    idle.stop();
  });

  it("accepts a correctly signed vote from a validator", () => {
    expect(driver.validate("vote", voteMsg(vals[1], 1))).toBe("accept");
  });
  it("rejects garbage on every topic", () => {
    for (const t of ["vote", "proposal", "tx"] as const)
      expect(driver.validate(t, Uint8Array.of(1, 2, 3))).toBe("reject");
  });
  it("rejects a vote with a bad signature and one from a non-validator", () => {
    expect(driver.validate("vote", voteMsg(vals[1], 1, true))).toBe("reject");
    expect(driver.validate("vote", voteMsg(outsider, 1))).toBe("reject");
  });
  it("ignores (does not penalise) votes for stale or far-future heights", () => {
    expect(driver.validate("vote", voteMsg(vals[1], 0))).toBe("ignore");
    expect(driver.validate("vote", voteMsg(vals[1], 50))).toBe("ignore");
  });
  it("rejects a proposal signed by someone other than the named proposer", () => {
    const p = chain.propose(vals[0].address);
    const body = {
      height: 1,
      round: 0,
      polRoundPlusOne: 0,
      blockId: p.blockId,
      timestamp: 1,
      proposer: vals[0].address,
    };
    const signature = signMessage(vals[1].seed, proposalSignBytes(chain.chainId, body));
    expect(
      driver.validate(
        "proposal",
        ProposalMsg.serialize({ proposal: { body, signature }, block: toCompact(p.block), nonce: 0 }),
      ),
    ).toBe("reject");
  });

  function tampered(f: (b: ReturnType<typeof Block.deserialize>) => void) {
    const p = chain.propose(vals[0].address);
    const b = Block.deserialize(Block.serialize(p.block));
    f(b);
    return { id: blockIdOf(b.header), bytes: Block.serialize(b) };
  }

  it("a block with a wrong state root fails validation naming the rule", () => {
    const t = tampered((b) => (b.header.stateRoot = new Uint8Array(32).fill(7)));
    const r = chain.validateBlock(t.id, t.bytes);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/stateRoot/);
  });
  it("a block from a non-validator, at the wrong height, or with a bad id fails", () => {
    const a = tampered((b) => (b.header.proposer = outsider.address));
    expect(chain.validateBlock(a.id, a.bytes)).toMatchObject({ ok: false, reason: expect.stringMatching(/proposer/) });
    const h = tampered((b) => (b.header.height = 5));
    expect(chain.validateBlock(h.id, h.bytes)).toMatchObject({ ok: false, reason: expect.stringMatching(/height/) });
    const good = tampered(() => {});
    expect(chain.validateBlock(new Uint8Array(32), good.bytes)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/block id/),
    });
    expect(chain.validateBlock(new Uint8Array(32), Uint8Array.of(9, 9))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/decode/),
    });
  });
  it("a block whose time is not the BFT time fails: a proposer cannot choose it", () => {
    const later = tampered((b) => (b.header.time += 365 * 86_400_000)); // a year of inflation
    expect(chain.validateBlock(later.id, later.bytes)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/BFT time/),
    });
    expect(chain.validateBlock(tampered(() => {}).id, tampered(() => {}).bytes).ok).toBe(true);
  });
  it("a block whose txs do not match txsHash fails", () => {
    const t = tampered((b) => b.txs.push(Uint8Array.of(1)));
    expect(chain.validateBlock(t.id, t.bytes)).toMatchObject({ ok: false, reason: expect.stringMatching(/txsHash/) });
  });
});
