// A node's side of evidence: the pool (consensus/evidence/evidencePool.ts) and the chain history
// evidence is checked against — the set that signed each height (state for the last two,
// per-height records before) and each block's time (the block store, cached).
import { EvidencePool } from "../consensus/evidence/evidencePool.ts";
import type { EvidenceContext } from "../consensus/evidence/verifyEvidence.ts";
import type { PowerEntry } from "../consensus/commitVerify.ts";
import { Block, type BlockValue } from "../state/encoding/types.ts";
import { getEvidenceParams } from "../state/evidenceParams.ts";
import { getLastValidators, getValidators } from "../state/validators.ts";
import type { ChainDb } from "./chainDb.ts";
import { validatorSetAt } from "./validatorHistory.ts";

export class ChainEvidence {
  /** double-sign evidence this node observed or was sent, waiting for a block it proposes; kept on disk */
  readonly pool: EvidencePool;
  private readonly db: ChainDb;
  private readonly chainId: string;
  private readonly blockTimes = new Map<number, number>();

  constructor(db: ChainDb, chainId: string) {
    this.db = db;
    this.chainId = chainId;
    this.pool = new EvidencePool({
      added: (raw) => db.pendingEvidenceChanged(raw, true),
      dropped: (raw) => db.pendingEvidenceChanged(raw, false),
    });
  }

  /** Reads back what was pending when the node stopped (Chain.open). */
  async restore(): Promise<void> {
    this.pool.restore(await this.db.loadPendingEvidence());
  }

  private get height(): number {
    return this.db.meta()?.height ?? 0;
  }

  /** What evidence for a block of `height` at `time` is checked against. */
  context(height: number, time: number): EvidenceContext {
    return {
      chainId: this.chainId,
      height,
      time,
      params: getEvidenceParams(this.db),
      validatorSetAt: (h) => this.validatorSetAt(h),
      blockTimeAt: (h) => this.blockTimeAt(h),
    };
  }

  /**
   * The set that signed block `h` (S_h): the last two from state, older ones from the per-height
   * records (node/validatorHistory.ts). Undefined when the node holds no record of `h`.
   */
  validatorSetAt(h: number): PowerEntry[] | undefined {
    if (h === this.height + 1) return getValidators(this.db);
    if (h === this.height) return getLastValidators(this.db);
    return validatorSetAt(this.db, h)?.validators.map((v) => ({ pubkey: v.pubkey, power: Number(v.power) }));
  }

  /** Header time of committed block `h` (undefined above the chain or once pruned). PERF: one read and decode, cached. */
  blockTimeAt(h: number): number | undefined {
    if (h < 1 || h > this.height) return undefined;
    const known = this.blockTimes.get(h);
    if (known !== undefined) return known;
    const b = this.db.getBlockSync(h);
    if (!b) return undefined;
    const t = Block.deserialize(b).header.time;
    if (this.blockTimes.size > 10_000) this.blockTimes.clear();
    this.blockTimes.set(h, t);
    return t;
  }

  /** A block was committed: its evidence's validators are punished; its time is known. */
  committed(block: BlockValue): void {
    this.pool.committed(block.evidence);
    if (this.blockTimes.size > 10_000) this.blockTimes.clear();
    this.blockTimes.set(block.header.height, block.header.time);
  }
}
