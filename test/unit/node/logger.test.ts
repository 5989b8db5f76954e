// Logs: pino records with level, time and module; pretty lines for people, JSON lines for
// machines; levels filter; the committed-block line keeps the shape the devnet's console reads.
import { describe, expect, it } from "vitest";
import { createLogger, prettyLine } from "#node/logger.ts";

function capture(format: "json" | "pretty", level: "debug" | "info" | "warn" | "error" = "info") {
  const lines: string[] = [];
  return { lines, log: createLogger({ name: "node", format, level, out: (l) => lines.push(l) }) };
}

describe("logger", () => {
  it("writes one JSON object per record with time, level, module, msg and fields", () => {
    const { lines, log } = capture("json");
    log.child("p2p").warn("peer dropped", { peer: "12D3", score: -20 });
    const r = JSON.parse(lines[0]!);
    expect(r).toMatchObject({ level: "warn", module: "node/p2p", msg: "peer dropped", peer: "12D3", score: -20 });
    expect(Date.parse(r.time)).toBeGreaterThan(0);
  });

  it("filters below the level", () => {
    const { lines, log } = capture("json", "warn");
    log.debug("a");
    log.info("b");
    log.warn("c");
    log.error("d");
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["c", "d"]);
  });

  it("renders pretty lines, and the block line the devnet console parses", () => {
    const { lines, log } = capture("pretty");
    log.info("rpc listening", { url: "http://127.0.0.1:26657", note: "two words" });
    log.block({ height: 42, proposer: "strata1abcdefghijklmnopqrstuvwxyz", txs: 7, round: 0 });
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO  \[node\] rpc listening url=http:\/\/127\.0\.0\.1:26657 note="two words"$/,
    );
    expect(lines[1]).toMatch(/ BLOCK \[node\] height=42 proposer=strata1abcdefg… txs=7 round=0$/);
    expect(/ BLOCK .*height=(\d+)/.exec(lines[1]!)?.[1]).toBe("42");
  });

  it("JSON block records carry the fields, not a formatted string", () => {
    const { lines, log } = capture("json");
    log.block({ height: 3, proposer: "strata1x", txs: 0 });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      event: "block",
      height: 3,
      proposer: "strata1x",
      txs: 0,
      msg: "committed block",
    });
  });

  it("one timestamp per record: the log time; a block's own time travels as blockTime, and a stray time field is renamed", () => {
    const { lines, log } = capture("json");
    log.block({ height: 5, proposer: "strata1x", txs: 0, blockTime: "2020-01-01T00:00:00.000Z" });
    log.info("x", { time: "2020-01-01T00:00:00.000Z", level: "fake" });
    const [b, x] = lines.map((l) => JSON.parse(l));
    for (const [line, r] of [
      [lines[0]!, b],
      [lines[1]!, x],
    ] as const) {
      expect(line.match(/"time":/g)).toHaveLength(1);
      expect(Math.abs(Date.parse(r.time) - Date.now())).toBeLessThan(60_000); // the log time, not 2020
    }
    expect(b.blockTime).toBe("2020-01-01T00:00:00.000Z");
    expect(x).toMatchObject({ eventTime: "2020-01-01T00:00:00.000Z", eventLevel: "fake", level: "info" });
  });

  it("refuses unknown formats and levels with the allowed values", () => {
    expect(() => createLogger({ name: "n", format: "xml" as never })).toThrow(/pretty or json/);
    expect(() => createLogger({ name: "n", level: "verbose" as never })).toThrow(/debug, info, warn, error/);
  });

  it("prettyLine shows nested fields as JSON", () => {
    expect(prettyLine({ time: "2026-01-01T00:00:00.000Z", level: "info", module: "m", msg: "x", o: { a: 1 } })).toBe(
      '00:00:00.000 INFO  [m] x o={"a":1}',
    );
  });
});
