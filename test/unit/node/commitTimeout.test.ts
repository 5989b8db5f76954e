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
import type { Chain } from "#node/chain.ts";
import { soloDriver } from "#test/helpers/soloDriver.ts";

const COMMIT_MS = 600;
const WRITE_MS = 450;

describe("commit timeout", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-commit-timeout-"));
  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("waits only what is left of the commit timeout after a slow block write", async () => {
    const { chain, driver } = await soloDriver(dir, (d) => ({
      ...d,
      timeouts: { ...d.timeouts, commitMs: COMMIT_MS },
    }));
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
