// The state invariants (state/invariants.ts, each module's own) checked after committed blocks,
// on a snapshot of the state just committed and off the commit path: the snapshot is taken
// at once, the check runs while consensus goes on, one check at a time (a block committed while
// one runs is covered by the next). Test nodes turn it on (STRATA_CHECK_INVARIANTS=1, read by
// the composition root); a broken invariant stops the node at once, loudly: never keep running
// on a corrupted state.
import { brokenInvariants } from "../state/invariants.ts";
import type { ChainDb } from "./chainDb.ts";

/** Exit code of a node that found its own state broken (EX_SOFTWARE). */
export const INVARIANT_BROKEN_EXIT = 70;

export class InvariantWatch {
  private running: Promise<void> | undefined;
  private readonly db: ChainDb;

  constructor(db: ChainDb) {
    this.db = db;
  }

  /** Resolves when no check is running (close waits for it). */
  async idle(): Promise<void> {
    await this.running?.catch(() => {});
  }

  afterCommit(height: number): void {
    if (this.running) return;
    this.running = this.db
      .stateSnapshot()
      .then((snap) => {
        const broken = brokenInvariants(snap);
        if (broken.length === 0) return;
        process.stderr.write(`FATAL: invariant broken after block ${height}: ${broken.join("; ")}\n`);
        process.exit(INVARIANT_BROKEN_EXIT);
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
