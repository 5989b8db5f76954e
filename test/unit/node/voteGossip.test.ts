// Vote gossip by pull: a node asks its peers for the votes of the current height it lacks (any
// round: a proof-of-lock round as much as the current one), saying which it holds, and a peer
// answers with exactly the ones missing. Two drivers on one genesis, wired by a fake network.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BitArray } from "@chainsafe/ssz";
import { Chain, DEFAULT_MEMPOOL } from "#node/chain.ts";
import { ConsensusDriver, DEFAULT_DRIVER } from "#node/consensusDriver.ts";
import { createLogger } from "#node/logger.ts";
import { parseGenesis } from "#state/genesis.ts";
import { VoteType, voteSignBytes } from "#consensus/vote.ts";
import { SyncKind, SyncRequest, SyncResponse, VoteMsg, VotesRequest, VotesResponse } from "#node/wire.ts";
import { SyncRequestRefused } from "#node/syncRequestRefused.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { ProposerSchedule } from "#node/proposerSchedule.ts";
import { waitFor } from "#test/helpers/proc.ts";
import { testKey, testGenesisJson } from "#test/fixtures/memChain.ts";

const vals = [0, 1, 2, 3].map((i) => testKey(700 + i));
const silent = createLogger({ name: "t", out: () => {} });

describe("vote gossip by pull", () => {
  const dirs: string[] = [];
  const chains: Chain[] = [];
  const drivers: ConsensusDriver[] = [];

  beforeAll(async () => {
    const g = testGenesisJson(2);
    g.validators = vals.map((v, i) => ({
      pubkey: Buffer.from(v.pubkey).toString("hex"),
      power: String(40 - i * 10),
      moniker: `v${i}`,
    }));
    const bytes = new TextEncoder().encode(JSON.stringify(g));
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), "strata-pull-"));
      dirs.push(dir);
      chains.push(await Chain.open(dir, parseGenesis(g), bytes, { mempool: DEFAULT_MEMPOOL }));
    }
    for (let i = 0; i < 2; i++) {
      const other = 1 - i;
      const net = {
        publish: async () => {},
        request: async (_p: string, req: Uint8Array) => drivers[other]!.serveSync(req),
        peers: () => [`peer${other}`],
      };
      // long timeouts: the test, not the clock, moves these cores
      const opts = {
        ...DEFAULT_DRIVER,
        rebroadcastMs: i === 1 ? 50 : 60_000,
        syncCheckMs: 60_000,
        timeouts: { ...DEFAULT_DRIVER.timeouts, proposeMs: 60_000, prevoteMs: 60_000, precommitMs: 60_000 },
      };
      drivers.push(
        new ConsensusDriver(
          chains[i]!,
          undefined,
          net,
          ProposerSchedule.open(chains[i]!.validators(), 1),
          opts,
          silent,
        ),
      );
    }
    drivers[0]!.start(); // only node 0 is fed; node 1 pulls from it
  });

  afterAll(async () => {
    for (const d of drivers) d.stop();
    for (const c of chains) await c.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const vote = (v: number, round: number, type: number) => {
    const body = {
      type,
      height: 1,
      round,
      blockId: new Uint8Array(32).fill(round + 1),
      timestamp: 1,
      validator: vals[v]!.address,
    };
    return VoteMsg.serialize({
      vote: { body, signature: signMessage(vals[v]!.seed, voteSignBytes(chains[0]!.chainId, body)) },
      nonce: 0,
    });
  };
  const ask = (driver: ConsensusDriver, rounds: { round: number; held: boolean[] }[]) =>
    driver
      .serveSync(
        VotesRequest.serialize({
          kind: SyncKind.Votes,
          height: 1,
          rounds: rounds.map((r) => ({
            round: r.round,
            prevotes: BitArray.fromBoolArray(r.held),
            precommits: BitArray.fromBoolArray([false, false, false, false]),
            proposal: false,
          })),
        }),
      )
      .then((b) => VotesResponse.deserialize(b).votes.map((m) => [m.vote.body.round, m.vote.body.validator[0]]));

  it("a peer answers with the votes the asker lacks, of every round, and nothing it holds", async () => {
    // round 0: a proof-of-lock (prevotes of 40+30+20 %), round 2: 30 % prevotes
    for (const v of [0, 1, 2]) drivers[0]!.onGossip("vote", vote(v, 0, VoteType.Prevote));
    drivers[0]!.onGossip("vote", vote(1, 2, VoteType.Prevote));
    const all = await ask(drivers[0]!, []);
    expect(all.length).toBe(4);
    const some = await ask(drivers[0]!, [{ round: 0, held: [true, false, true, false] }]);
    expect(some).toEqual([
      [0, vals[1]!.address[0]],
      [2, vals[1]!.address[0]],
    ]);
  });

  it("a node that lacked them pulls them and then holds the proof-of-lock round (served on in turn)", async () => {
    drivers[1]!.start();
    await waitFor(
      "node 1 to pull the votes",
      async () => ((await ask(drivers[1]!, [])).length === 4 ? true : undefined),
      10_000,
    );
    expect((await ask(drivers[1]!, [])).map((x) => x[0]).sort()).toEqual([0, 0, 0, 2]);
  });

  // the serving side tells the asker's fault (penalized by p2p.ts) from its own (not penalized)
  it("a sync request that does not decode, or names no known kind, is refused as the asker's fault", async () => {
    const d = drivers[0]!;
    const status = SyncRequest.serialize({ kind: SyncKind.Status, from: 0, count: 0, hashes: [] });
    expect(SyncResponse.deserialize(await d.serveSync(status)).height).toBe(chains[0]!.height);
    const unknownKind = status.slice();
    unknownKind[0] = 9;
    const votes = VotesRequest.serialize({ kind: SyncKind.Votes, height: 1, rounds: [] });
    for (const bad of [
      new Uint8Array(),
      Uint8Array.of(0xff),
      status.subarray(0, 5),
      unknownKind,
      Uint8Array.of(SyncKind.Votes),
      votes.subarray(0, votes.length - 1),
    ])
      await expect(d.serveSync(bad)).rejects.toBeInstanceOf(SyncRequestRefused);
  });
});
