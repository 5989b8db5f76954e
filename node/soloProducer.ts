// Block production with a single validator: the validator alone holds > 2/3 of the power, so
// every proposal it makes is decided at once. One block every timeoutCommit.
import { VoteType, voteSignBytes } from "../consensus/vote.ts";
import type { Chain } from "./chain.ts";
import { soloCommit } from "./chain.ts";
import type { ValidatorKey } from "./validatorKey.ts";

export type Clock = { now(): number };

export class SoloProducer {
  private readonly chain: Chain;
  private readonly key: ValidatorKey;
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly onError: (e: unknown) => void;

  constructor(chain: Chain, key: ValidatorKey, opts: { intervalMs: number; clock?: Clock; onError: (e: unknown) => void }) {
    this.chain = chain;
    this.key = key;
    this.intervalMs = opts.intervalMs;
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.onError = opts.onError;
  }

  start(): void {
    const vals = this.chain.validators();
    if (vals.length !== 1 || Buffer.compare(vals[0].pubkey, this.key.pubkey) !== 0) {
      throw new Error("single-validator mode needs a genesis whose only validator is this node's key");
    }
    this.running = true;
    this.schedule();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.produceOne().then(
        () => this.schedule(),
        (e) => this.onError(e),
      );
    }, this.intervalMs);
  }

  /** Propose, sign the precommit, commit. */
  async produceOne(): Promise<void> {
    const p = this.chain.propose(this.clock.now(), this.key.address);
    const ts = p.block.header.time;
    const sig = this.key.sign(
      voteSignBytes(this.chain.chainId, { type: VoteType.Precommit, height: p.block.header.height, round: 0, blockId: p.blockId, timestamp: ts, validator: this.key.address }),
    );
    await this.chain.commit(p, soloCommit(p.block.header.height, p.blockId, this.key.address, ts, sig));
  }

  /** Stops after the block in flight (if any) is fully committed. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
  }
}
