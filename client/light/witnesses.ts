// Cross-checking the primary against witnesses (CometBFT light/detector.go, simplified): once the
// client verified a header from its primary node, each witness is asked for the same height. A
// witness that agrees adds confidence; one that serves another header is asked to prove it from
// the same trusted header. If it can, two headers at one height both carry > 2/3 of signatures
// the client must accept: the chain forked or the primary is attacking the client, and nothing
// either says can be trusted until people look (conflicting_headers). If it cannot, the witness is
// the liar and is reported as faulty, as CometBFT drops such a witness.
import { LightClient, type LightClientOptions, type LightProvider, type TrustOptions } from "./lightClient.ts";
import type { LightBlock } from "./lightBlock.ts";
import { LightClientError } from "./lightClientError.ts";

export type Witness = { name: string; provider: LightProvider };

export type WitnessReport =
  | { witness: string; verdict: "agrees" }
  /** its header at that height does not verify from the trusted one: it lied (CometBFT drops it) */
  | { witness: string; verdict: "faulty"; why: string }
  /** it could not answer (down, pruned that height, another chain's node …): no evidence either way */
  | { witness: string; verdict: "unreachable"; why: string };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

/**
 * Checks `verified` (from the primary) against every witness. Throws conflicting_headers when a
 * witness proves a different header at the same height; otherwise says what each witness did.
 * PERF: one light block per agreeing witness; a disagreeing one costs a verification from trust.
 */
export async function crossCheck(
  verified: LightBlock,
  trust: TrustOptions,
  opts: LightClientOptions,
  witnesses: readonly Witness[],
): Promise<WitnessReport[]> {
  return Promise.all(
    witnesses.map(async (w): Promise<WitnessReport> => {
      let theirs: LightBlock;
      try {
        theirs = await w.provider.lightBlock(verified.height);
      } catch (e) {
        return { witness: w.name, verdict: "unreachable", why: (e as Error).message };
      }
      if (theirs.height === verified.height && Buffer.compare(theirs.hash, verified.hash) === 0)
        return { witness: w.name, verdict: "agrees" };
      let proven: LightBlock;
      try {
        const lc = await LightClient.create(w.provider, trust, opts);
        proven = await lc.verifyHeight(verified.height);
      } catch (e) {
        if (e instanceof LightClientError)
          return { witness: w.name, verdict: "faulty", why: `${e.kind}: ${e.message}` };
        return { witness: w.name, verdict: "unreachable", why: (e as Error).message };
      }
      if (Buffer.compare(proven.hash, verified.hash) === 0) return { witness: w.name, verdict: "agrees" };
      throw new LightClientError(
        "conflicting_headers",
        `witness ${w.name} proves header ${hex(proven.hash)} at height ${verified.height}, the primary ${hex(verified.hash)}: both verify from the trusted header, so the chain forked or one of them attacks this client; trust neither`,
      );
    }),
  );
}
