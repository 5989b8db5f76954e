// Evidence through a real Chain on a real LevelDB (one validator signing real commits): a block
// whose evidence breaks a rule is refused by validateBlock, naming the rule; valid evidence sent
// to the node goes into its next proposal and the validator is tombstoned; after a restart the
// node still verifies evidence of old heights (per-height validator records).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Chain, DEFAULT_MEMPOOL, soloCommit } from "#node/chain.ts";
import { ProposerSchedule } from "#node/proposerSchedule.ts";
import { blockIdOf, evidenceHashOf } from "#consensus/blockHashes.ts";
import { encodeEvidence } from "#consensus/evidence/duplicateVoteEvidence.ts";
import { VoteType, voteSignBytes } from "#consensus/vote.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { Block } from "#state/encoding/types.ts";
import { parseGenesis } from "#state/genesis.ts";
import { getValidator, operatorByConsensusAddress } from "#state/modules/staking/store.ts";
import { CHAIN_ID, testGenesisJson, testKey, type TestKey } from "#test/fixtures/memChain.ts";

const val = testKey(10_000);
const stranger = testKey(77);
const GENESIS = testGenesisJson(2, undefined, { evidence: { maxAgeNumBlocks: "4", maxAgeDurationMs: "1" } });

function evidence(k: TestKey, height: number, chainId = CHAIN_ID): Uint8Array {
  const vote = (fill: number) => {
    const body = {
      type: VoteType.Prevote,
      height,
      round: 0,
      blockId: new Uint8Array(32).fill(fill),
      timestamp: 5,
      validator: k.address,
    };
    return { body, signature: signMessage(k.seed, voteSignBytes(chainId, body)) };
  };
  return encodeEvidence(vote(1), vote(2));
}

describe("evidence in a node's chain", () => {
  let dir = "";
  let chain: Chain;
  let sched: ProposerSchedule;
  const bytes = new TextEncoder().encode(JSON.stringify(GENESIS));
  const open = async () => {
    chain = await Chain.open(dir, parseGenesis(GENESIS), bytes, { mempool: DEFAULT_MEMPOOL });
    sched = ProposerSchedule.open(chain.genesis.validators, chain.height + 1, chain.db.meta()?.consensus);
  };
  /** Proposes and commits the next block with a real precommit of the one validator. */
  async function next() {
    const h = chain.height + 1;
    const p = chain.propose(sched.proposer(h, 0));
    const ts = p.block.header.time + 10;
    const sig = signMessage(
      val.seed,
      voteSignBytes(CHAIN_ID, {
        type: VoteType.Precommit,
        height: h,
        round: 0,
        blockId: p.blockId,
        timestamp: ts,
        validator: val.address,
      }),
    );
    const n = sched.prepareNext(p.nextValidators);
    await chain.commit(p, soloCommit(h, p.blockId, val.address, ts, sig), n.serialized);
    sched.advance(n);
    return p;
  }
  /** The next block as proposed, with `ev` as its evidence (header and id made to match). */
  function withEvidence(ev: Uint8Array[]) {
    const p = chain.propose(sched.proposer(chain.height + 1, 0));
    const header = { ...p.block.header, evidenceHash: evidenceHashOf(ev) };
    return { id: blockIdOf(header), bytes: Block.serialize({ ...p.block, header, evidence: ev }) };
  }

  afterEach(async () => {
    await chain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a block whose evidence breaks a rule, naming it", async () => {
    dir = mkdtempSync(join(tmpdir(), "strata-ev-"));
    await open();
    for (let i = 0; i < 8; i++) await next();
    const refused = (ev: Uint8Array[]) => {
      const b = withEvidence(ev);
      const r = chain.validateBlock(b.id, b.bytes);
      return r.ok ? "valid" : r.reason;
    };
    expect(refused([evidence(stranger, 6)])).toMatch(/not_a_member/);
    expect(refused([evidence(val, 6, "other-chain")])).toMatch(/bad_signature/);
    expect(refused([evidence(val, 1)])).toMatch(/expired/);
    expect(refused([evidence(val, 9)])).toMatch(/future_height/);
    expect(refused([evidence(val, 6), evidence(val, 6)])).toMatch(/twice/);
    // valid evidence passes every evidence rule: what fails then is the state root, which the
    // proposal computed without the slash this evidence causes
    expect(refused([evidence(val, 6)])).toMatch(/^stateRoot does not match/);
  });

  it("valid evidence sent to the node is proposed and punished; a restarted node still verifies old heights", async () => {
    dir = mkdtempSync(join(tmpdir(), "strata-ev-"));
    await open();
    for (let i = 0; i < 4; i++) await next();
    expect(chain.submitEvidence(evidence(stranger, 2))).toMatchObject({ ok: false, rule: "not_a_member" });
    expect(chain.submitEvidence(evidence(val, 2))).toMatchObject({ ok: true, misbehaviour: { height: 2, power: 10 } });
    const p = await next();
    expect(p.block.evidence).toHaveLength(1);
    expect(p.events.some((e) => e.type === "double_sign")).toBe(true);
    const op = operatorByConsensusAddress(chain.db, val.address)!;
    expect(getValidator(chain.db, op)!.tombstoned).toBe(true);
    expect((await next()).block.evidence).toHaveLength(0);
    await chain.close();
    await open();
    // height 2 is neither of the two sets state holds: it comes from the per-height records
    expect(chain.evidence.validatorSetAt(2)?.map((v) => v.power)).toEqual([10]);
    expect(chain.submitEvidence(evidence(val, 3)).ok).toBe(true);
  });

  it("evidence pending when the node stops is still pending after a restart, and proposed; what a block carried is not", async () => {
    dir = mkdtempSync(join(tmpdir(), "strata-ev-"));
    await open();
    for (let i = 0; i < 4; i++) await next();
    expect(chain.submitEvidence(evidence(val, 2)).ok).toBe(true);
    chain.addEvidence(evidence(val, 3)); // conflicting votes consensus saw: verified when proposed
    chain.addEvidence(new Uint8Array([1, 2, 3])); // not evidence: never stored
    await chain.close();
    await open();
    expect(chain.evidence.pool.size).toBe(2);
    const p = await next();
    expect(p.block.evidence).toHaveLength(1); // one per validator
    expect(p.events.some((e) => e.type === "double_sign")).toBe(true);
    // the other piece names a validator now punished: dropped, on disk too
    expect(chain.evidence.pool.size).toBe(0);
    await chain.close();
    await open();
    expect(chain.evidence.pool.size).toBe(0);
    expect((await next()).block.evidence).toHaveLength(0);
  });
});
