// The mempool log gives back, after a crash, every tx admitted before it with its admission, and
// a rewrite keeps only the live ones.
import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MempoolLog } from "#node/mempoolLog.ts";

describe("MempoolLog", () => {
  it("returns what was appended, survives a torn tail, and a rewrite replaces it", () => {
    const path = join(mkdtempSync(join(tmpdir(), "mplog-")), "mempool.log");
    const { log } = MempoolLog.open(path);
    log.append({ bytes: Uint8Array.of(1, 2), at: { height: 3, time: 1000 } });
    log.append({ bytes: Uint8Array.of(3), at: { height: 4, time: 2000 } });
    log.close();
    appendFileSync(path, Buffer.from([0, 0, 0, 9, 1])); // a crash mid-append
    const again = MempoolLog.open(path);
    expect(again.txs).toEqual([
      { bytes: Uint8Array.of(1, 2), at: { height: 3, time: 1000 } },
      { bytes: Uint8Array.of(3), at: { height: 4, time: 2000 } },
    ]);
    again.log.rewrite([{ bytes: Uint8Array.of(3), at: { height: 4, time: 2000 } }]);
    again.log.append({ bytes: Uint8Array.of(5), at: { height: 5, time: 3000 } });
    again.log.close();
    expect(MempoolLog.open(path).txs.map((t) => [...t.bytes])).toEqual([[3], [5]]);
  });

  it("writes the txs appended in one job together, before any continuation of that job runs", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mplog-")), "mempool.log");
    const { log } = MempoolLog.open(path);
    const admit = async (b: number) => {
      log.append({ bytes: Uint8Array.of(b), at: { height: 1, time: 1 } });
    };
    const sizeNow = () => readFileSync(path).length;
    const answered = Promise.all([admit(1), admit(2), admit(3)]).then(sizeNow); // what a caller sees before "accepted"
    expect(sizeNow()).toBe(0); // queued, not yet written
    expect(await answered).toBe(log.bytes);
    expect(MempoolLog.open(path).txs.map((t) => [...t.bytes])).toEqual([[1], [2], [3]]);
    log.close();
  });
});
