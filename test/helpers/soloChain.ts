// A real Chain on a real LevelDB, driven block by block by its one validator as the consensus
// driver would (propose → commit with the proposer schedule's record), without the network: for
// unit tests of what a node stores per block.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain, DEFAULT_MEMPOOL, soloCommit, type CommittedBlockEvent } from "#node/chain.ts";
import { ProposerSchedule } from "#node/proposerSchedule.ts";
import { parseGenesis } from "#state/genesis.ts";
import type { ChainOptions } from "#node/chain.ts";

export class SoloChain {
  chain: Chain;
  private sched: ProposerSchedule;
  readonly dir: string;
  private readonly genesisJson: unknown;
  private readonly opts: ChainOptions;

  private constructor(chain: Chain, dir: string, genesisJson: unknown, opts: ChainOptions) {
    this.chain = chain;
    this.dir = dir;
    this.genesisJson = genesisJson;
    this.opts = opts;
    this.sched = ProposerSchedule.open(chain.genesis.validators, chain.height + 1, chain.db.meta()?.consensus);
  }

  static async open(genesisJson: unknown, opts: Partial<ChainOptions> = {}): Promise<SoloChain> {
    const dir = mkdtempSync(join(tmpdir(), "strata-solo-"));
    const o = { mempool: DEFAULT_MEMPOOL, ...opts };
    const bytes = new TextEncoder().encode(JSON.stringify(genesisJson));
    return new SoloChain(await Chain.open(dir, parseGenesis(genesisJson), bytes, o), dir, genesisJson, o);
  }

  /** Admits `txs` to the mempool and commits the next block (which carries them). */
  async block(txs: Uint8Array[] = []): Promise<CommittedBlockEvent> {
    for (const t of txs) this.chain.checkTx(t);
    const h = this.chain.height + 1;
    const proposer = this.sched.proposer(h, 0);
    const p = this.chain.propose(proposer);
    const next = this.sched.prepareNext(p.nextValidators);
    const committed = new Promise<CommittedBlockEvent>((r) => this.chain.once("block", r));
    await this.chain.commit(
      p,
      soloCommit(h, p.blockId, proposer, p.block.header.time, new Uint8Array(64)),
      next.serialized,
    );
    this.sched.advance(next);
    return committed;
  }

  /** Closes and opens the database again, as a restart does. */
  async reopen(): Promise<void> {
    await this.chain.close();
    const bytes = new TextEncoder().encode(JSON.stringify(this.genesisJson));
    this.chain = await Chain.open(this.dir, parseGenesis(this.genesisJson), bytes, this.opts);
    this.sched = ProposerSchedule.open(
      this.chain.genesis.validators,
      this.chain.height + 1,
      this.chain.db.meta()?.consensus,
    );
  }

  async close(): Promise<void> {
    await this.chain.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
