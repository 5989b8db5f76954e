// A light client (CometBFT light/client.go, simplified): from a trusted height and header hash
// it verifies headers forward, sequentially (every header) or by skipping with bisection when the
// validator set changed too much to skip at once, and backwards by hash links; verified blocks
// are kept so later proofs are checked against them. It knows only what a Provider answers.
import type { LightBlock } from "./lightBlock.ts";
import { LightClientError } from "./lightClientError.ts";
import { validateBasic, verifyAdjacent, verifyCommitLight, verifyNonAdjacent, type VerifyOptions } from "./verifier.ts";

export interface LightProvider {
  /** the light block at `height` (signed header + its validator set) */
  lightBlock(height: number): Promise<LightBlock>;
  latestHeight(): Promise<number>;
}

export type TrustOptions = { height: number; hash: Uint8Array; trustingPeriodMs: number };
export type LightClientOptions = {
  chainId: string;
  mode?: "skipping" | "sequential";
  maxClockDriftMs?: number;
  now?: () => number;
};

/** Called with each header the client verifies (height and how). */
export type VerifyTrace = (height: number, how: "trusted" | "adjacent" | "skipping" | "backwards") => void;

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

export class LightClient {
  private readonly provider: LightProvider;
  private readonly opts: Required<LightClientOptions>;
  private readonly trustingPeriodMs: number;
  private readonly verified = new Map<number, LightBlock>();
  private latest: LightBlock;
  trace: VerifyTrace = () => {};

  private constructor(
    provider: LightProvider,
    trusted: LightBlock,
    trustingPeriodMs: number,
    opts: LightClientOptions,
  ) {
    this.provider = provider;
    this.trustingPeriodMs = trustingPeriodMs;
    this.opts = { mode: "skipping", maxClockDriftMs: 10_000, now: Date.now, ...opts };
    this.latest = trusted;
    this.verified.set(trusted.height, trusted);
  }

  /** Trust the header at `trust.height` whose hash is `trust.hash` (obtained out of band). */
  static async create(provider: LightProvider, trust: TrustOptions, opts: LightClientOptions): Promise<LightClient> {
    const b = await provider.lightBlock(trust.height);
    if (Buffer.compare(b.hash, trust.hash) !== 0)
      throw new LightClientError(
        "forged_header",
        `the header served at trusted height ${trust.height} hashes to ${hex(b.hash)}, not the trusted ${hex(trust.hash)}`,
      );
    validateBasic(b, opts.chainId);
    verifyCommitLight(opts.chainId, b.validators, b);
    const c = new LightClient(provider, b, trust.trustingPeriodMs, opts);
    c.trace(b.height, "trusted");
    return c;
  }

  get latestTrusted(): LightBlock {
    return this.latest;
  }

  private vopts(): VerifyOptions {
    return {
      chainId: this.opts.chainId,
      trustingPeriodMs: this.trustingPeriodMs,
      maxClockDriftMs: this.opts.maxClockDriftMs,
      now: this.opts.now(),
    };
  }

  private async fetch(height: number): Promise<LightBlock> {
    const b = await this.provider.lightBlock(height);
    if (b.height !== height)
      throw new LightClientError("forged_header", `asked for height ${height}, the node answered height ${b.height}`);
    return b;
  }

  private accept(b: LightBlock, how: "adjacent" | "skipping" | "backwards"): LightBlock {
    this.verified.set(b.height, b);
    if (b.height > this.latest.height) this.latest = b;
    this.trace(b.height, how);
    return b;
  }

  /** The verified block at `height` (forward from the latest trusted, or backwards by hash links). */
  async verifyHeight(height: number): Promise<LightBlock> {
    const known = this.verified.get(height);
    if (known) return known;
    if (height < this.latest.height) return this.verifyBackwards(height);
    const target = await this.fetch(height);
    return this.opts.mode === "sequential" ? this.verifySequential(target) : this.verifySkipping(this.latest, target);
  }

  /** Up to the node's latest height. */
  async verifyLatest(): Promise<LightBlock> {
    return this.verifyHeight(await this.provider.latestHeight());
  }

  private async verifySequential(target: LightBlock): Promise<LightBlock> {
    let trusted = this.latest;
    for (let h = trusted.height + 1; h <= target.height; h++) {
      const next = h === target.height ? target : await this.fetch(h);
      verifyAdjacent(trusted, next, this.vopts());
      trusted = this.accept(next, "adjacent");
    }
    return trusted;
  }

  /**
   * Skip from `trusted` to `target` if more than 1/3 of the trusted set signed it; otherwise
   * verify a pivot half way first and skip on from there (CometBFT's bisection).
   */
  private async verifySkipping(trusted: LightBlock, target: LightBlock): Promise<LightBlock> {
    if (target.height === trusted.height + 1) {
      verifyAdjacent(trusted, target, this.vopts());
      return this.accept(target, "adjacent");
    }
    try {
      verifyNonAdjacent(trusted, target, this.vopts());
      return this.accept(target, "skipping");
    } catch (e) {
      if (!(e instanceof LightClientError) || e.kind !== "not_enough_trust") throw e;
    }
    const pivot = await this.fetch(Math.floor((trusted.height + target.height) / 2));
    const mid = await this.verifySkipping(trusted, pivot);
    return this.verifySkipping(mid, target);
  }

  /** Older than the latest trusted: each header must be the one its verified successor names. */
  private async verifyBackwards(height: number): Promise<LightBlock> {
    let above = [...this.verified.values()].filter((b) => b.height > height).sort((a, b) => a.height - b.height)[0];
    for (let h = above.height - 1; h >= height; h--) {
      const b = this.verified.get(h) ?? (await this.fetch(h));
      if (Buffer.compare(above.header.lastBlockId, b.hash) !== 0)
        throw new LightClientError(
          "forged_header",
          `header ${h} is not the block verified header ${above.height} names as its last block`,
        );
      validateBasic(b, this.opts.chainId);
      above = this.verified.has(h) ? b : this.accept(b, "backwards");
    }
    return above;
  }
}
