// The commit timeout runs from the decision (CometBFT: StartTime = CommitTime + timeout_commit),
// so the block's write overlaps it instead of adding to every interval. A real single-validator
// driver over a real LevelDB chain; the clock it reads is moved forward by 450 ms inside each
// block's write, as a slow disk would, and the wait it then asks for before the next height must
// be what is left of the 600 ms commit timeout: at most 150 ms, never 600. No wall-clock
// assumption: the test reads the waits the driver asks for, not how long anything took.
import { afterAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain, DEFAULT_MEMPOOL } from "#node/chain.ts";
import { ConsensusDriver, DEFAULT_DRIVER } from "#node/consensusDriver.ts";
import { createLogger } from "#node/logger.ts";
import { FilePrivval } from "#node/privval.ts";
import { ProposerSchedule } from "#node/proposerSchedule.ts";
import { parseGenesis } from "#state/genesis.ts";
import { signMessage } from "#state/crypto/ed25519.ts";
import { testGenesisJson, testKey } from "#test/fixtures/memChain.ts";

const COMMIT_MS = 600;
const WRITE_MS = 450;

describe("commit timeout", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-commit-timeout-"));
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("waits only what is left of the commit timeout after a slow block write", async () => {
    const v = testKey(700);
    const g = testGenesisJson(1);
    g.validators = [{ pubkey: Buffer.from(v.pubkey).toString("hex"), power: "10", moniker: "solo" }];
    const chain = await Chain.open(dir, parseGenesis(g), new TextEncoder().encode(JSON.stringify(g)), {
      mempool: DEFAULT_MEMPOOL,
    });
    const realNow = Date.now.bind(Date);
    let offset = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + offset);
    const commit = chain.commit.bind(chain);
    let afterWrite = false;
    chain.commit = async (...args: Parameters<Chain["commit"]>) => {
      await commit(...args);
      offset += WRITE_MS; // the clock the driver reads says the write took 450 ms
      afterWrite = true;
    };
    const key = { pubkey: v.pubkey, address: v.address, sign: (m: Uint8Array) => signMessage(v.seed, m) };
    const driver = new ConsensusDriver(
      chain,
      new FilePrivval(key, chain.chainId, join(dir, "sign_state.json")),
      { publish: async () => {}, request: async () => new Uint8Array(), peers: () => [] },
      ProposerSchedule.open(chain.validators(), chain.height + 1),
      { ...DEFAULT_DRIVER, timeouts: { ...DEFAULT_DRIVER.timeouts, commitMs: COMMIT_MS } },
      createLogger({ name: "t", out: () => {} }),
    );
    const waits: number[] = [];
    const d = driver as unknown as { sleep(ms: number): Promise<void> };
    const sleep = d.sleep.bind(driver);
    d.sleep = (ms: number) => {
      if (afterWrite) waits.push(ms); // the first wait after a block's write: the commit timeout's rest
      afterWrite = false;
      return sleep(ms);
    };
    driver.start();
    await vi.waitFor(() => expect(chain.height).toBeGreaterThanOrEqual(3), { timeout: 60_000, interval: 50 });
    driver.stop();
    await chain.close();
    expect(waits.length).toBeGreaterThanOrEqual(2);
    for (const w of waits) {
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThanOrEqual(COMMIT_MS - WRITE_MS);
    }
  }, 90_000);
});
