// A double-signing harness for integration tests: a libp2p peer that holds one validator's key
// and gossips two conflicting prevotes for the heights the devnet is about to decide, until the
// test's condition holds. On timeout it says what it saw (peers, subscribers, node heights, the
// tail of every node's log), so a failure in CI can be understood from the log alone.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addressFromPubkey } from "#state/crypto/address.ts";
import { publicKeyFromSeed, signMessage } from "#state/crypto/ed25519.ts";
import { homePaths } from "#node/config.ts";
import { loadValidatorSeed } from "#node/validatorKey.ts";
import { P2P } from "#node/p2p.ts";
import { VoteMsg } from "#node/wire.ts";
import { VoteType, voteSignBytes } from "#consensus/vote.ts";
import { createLogger } from "#node/logger.ts";
import { freePort, waitFor } from "./proc.ts";
import { peerAddress, type TestNet } from "./devnet.ts";

export function validatorSeed(home: string): Uint8Array {
  return loadValidatorSeed(homePaths(home).validatorKey).seed;
}

export type DoubleSigner = { stop(): Promise<void> };

/**
 * Gossips conflicting prevotes signed with the key of validator `index` (block ids filled with
 * `fill` and `fill + 1`) for the next two heights of every running node, every 100 ms, until
 * `done()` returns true.
 */
export async function doubleSignUntil(
  net: TestNet,
  index: number,
  fill: number,
  what: string,
  done: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<DoubleSigner> {
  const seed = validatorSeed(net.homes[index]!);
  const cons = addressFromPubkey(publicKeyFromSeed(seed));
  const running = net.homes.filter((_, i) => net.procs[i]);
  const harness = await P2P.start(
    {
      chainId: "strata-devnet",
      host: "127.0.0.1",
      port: await freePort(),
      peerKeyPath: join(mkdtempSync(join(tmpdir(), "harness-")), "key.json"),
      bootstrap: running.map(peerAddress),
    },
    { validate: () => "accept", onMessage: () => {}, onSyncRequest: async () => new Uint8Array() },
    createLogger({ name: "harness", out: () => {} }),
  );
  const signer = { stop: () => harness.stop().catch(() => {}) };
  try {
    // A publish reaches only peers whose subscriptions we have heard; before that it is lost.
    await waitFor(
      "harness hears the vote topic",
      async () => (harness.subscribers("vote").length >= 2 ? true : undefined),
      30_000,
    );
    let sent = 0;
    await waitFor(
      what,
      async () => {
        const heights = new Set(
          (await net.heights()).filter((h): h is number => h !== undefined).flatMap((h) => [h + 1, h + 2]),
        );
        for (const h of heights) {
          for (const f of [fill, fill + 1]) {
            const body = {
              type: VoteType.Prevote,
              height: h,
              round: 0,
              blockId: new Uint8Array(32).fill(f),
              timestamp: Date.now(),
              validator: cons,
            };
            await harness.publish(
              "vote",
              VoteMsg.serialize({
                vote: { body, signature: signMessage(seed, voteSignBytes("strata-devnet", body)) },
                nonce: sent++,
              }),
            );
          }
        }
        return (await done()) ? true : undefined;
      },
      timeoutMs,
    );
    return signer;
  } catch (e) {
    const logs = net.procs
      .map((p, i) => `--- node${i}\n` + (p?.output.join("").split("\n").slice(-12).join("\n") ?? "(stopped)"))
      .join("\n");
    console.log(
      `double-sign harness: peers=${harness.peers().length} voteSubscribers=${harness.subscribers("vote").length} published=${harness.counters.published.vote} heights=${JSON.stringify(await net.heights())}\n${logs}`,
    );
    await signer.stop();
    throw e;
  }
}
