// The consensus WAL keeps what the core was fed for one height across a restart, cuts off a torn
// last record (and keeps everything before it), and starts afresh at the next height.
import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsensusWal, frameRecord, readRecords } from "#node/consensusWal.ts";
import { FatalError, FatalExit } from "#node/fatal.ts";
import type { WalMessage } from "#consensus/walMessage.ts";
import { VoteType } from "#consensus/vote.ts";

const vote = (height: number, round: number, v: number): WalMessage => ({
  kind: "vote",
  vote: {
    body: {
      type: VoteType.Prevote,
      height,
      round,
      blockId: new Uint8Array(32).fill(7),
      timestamp: 5,
      validator: new Uint8Array(20).fill(v),
    },
    signature: new Uint8Array(64).fill(v),
  },
});
const proposal = (height: number, round: number): WalMessage => ({
  kind: "proposal",
  proposal: {
    body: {
      height,
      round,
      polRoundPlusOne: 0,
      blockId: new Uint8Array(32).fill(9),
      timestamp: 3,
      proposer: new Uint8Array(20).fill(1),
    },
    signature: new Uint8Array(64).fill(2),
  },
  block: Uint8Array.of(1, 2, 3, 4),
});
const walPath = () => join(mkdtempSync(join(tmpdir(), "wal-")), "cs.wal");

describe("ConsensusWal", () => {
  it("replays proposals, votes and timeouts of the height it was at, in order", () => {
    const path = walPath();
    const w = ConsensusWal.open(path);
    w.startHeight(5);
    const msgs: WalMessage[] = [
      proposal(5, 0),
      vote(5, 0, 1),
      { kind: "timeout", height: 5, round: 0, step: "precommit" },
      vote(5, 1, 2),
    ];
    for (const m of msgs) w.append(m);
    w.close();
    const r = ConsensusWal.open(path);
    expect(r.tornBytes).toBe(0);
    expect(r.recoveredFor(5)).toEqual(msgs);
    expect(r.recoveredFor(6)).toEqual([]);
  });

  it("a restart at the same height keeps appending to the same records", () => {
    const path = walPath();
    const w = ConsensusWal.open(path);
    w.startHeight(5);
    w.append(vote(5, 0, 1));
    w.close();
    const r = ConsensusWal.open(path);
    r.startHeight(5);
    r.append(vote(5, 0, 2));
    r.close();
    expect(ConsensusWal.open(path).recoveredFor(5)).toEqual([vote(5, 0, 1), vote(5, 0, 2)]);
  });

  it("the next height truncates the file: the last height's records are gone", () => {
    const path = walPath();
    const w = ConsensusWal.open(path);
    w.startHeight(5);
    w.append(vote(5, 0, 1));
    const size5 = statSync(path).size;
    w.startHeight(6);
    expect(statSync(path).size).toBeLessThan(size5);
    w.append(vote(6, 0, 1));
    w.close();
    const r = ConsensusWal.open(path);
    expect(r.recoveredFor(5)).toEqual([]);
    expect(r.recoveredFor(6)).toEqual([vote(6, 0, 1)]);
  });

  it("a torn last record (short write, or a checksum that fails) is cut off; the ones before are kept", () => {
    for (const tear of ["short", "bitflip", "garbage-length"] as const) {
      const path = walPath();
      const w = ConsensusWal.open(path);
      w.startHeight(5);
      w.append(vote(5, 0, 1));
      w.append(vote(5, 0, 2));
      w.close();
      const full = statSync(path).size;
      if (tear === "short") truncateSync(path, full - 10);
      if (tear === "bitflip") {
        const b = readFileSync(path);
        b[b.length - 3] ^= 0xff;
        writeFileSync(path, b);
      }
      if (tear === "garbage-length") appendFileSync(path, Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2]));
      const r = ConsensusWal.open(path);
      expect(r.tornBytes, tear).toBeGreaterThan(0);
      expect(r.recoveredFor(5), tear).toEqual(
        tear === "garbage-length" ? [vote(5, 0, 1), vote(5, 0, 2)] : [vote(5, 0, 1)],
      );
      // the tail is gone from disk too, so new records follow the good ones
      r.startHeight(5);
      r.append(vote(5, 1, 3));
      r.close();
      expect(ConsensusWal.open(path).recoveredFor(5).at(-1)).toEqual(vote(5, 1, 3));
    }
  });

  it("framing: length and crc32 per record", () => {
    const a = frameRecord(Uint8Array.of(1, 2, 3));
    const b = frameRecord(Uint8Array.of(4));
    const both = new Uint8Array([...a, ...b]);
    expect(readRecords(both).payloads.map((p) => [...p])).toEqual([[1, 2, 3], [4]]);
    expect(readRecords(both.subarray(0, both.length - 1)).validBytes).toBe(a.length);
  });

  it("a failed append is a storage fault naming the file (the node stops before acting)", () => {
    const path = walPath();
    const w = ConsensusWal.open(path);
    w.startHeight(5);
    w.close();
    let err: unknown;
    try {
      w.append(vote(5, 0, 1));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FatalError);
    expect((err as FatalError).exitCode).toBe(FatalExit.StorageIo);
    expect((err as FatalError).message).toContain(path);
  });
});
