// The tx record written by hand must be byte for byte what the SSZ library writes, for every
// height, code, gas and log/events string, including non-ASCII text and strings over the limits
// (truncated at the byte limit, possibly inside a character, as before).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TxResultRecord } from "#state/encoding/types.ts";
import { encodeTxResultRecord } from "#node/txResultRecords.ts";

const enc = new TextEncoder();
const reference = (h: number, i: number, code: number, gas: number, log: string, events: string) =>
  TxResultRecord.serialize({
    height: h,
    index: i,
    code,
    gasUsed: gas,
    log: enc.encode(log).subarray(0, 1024),
    events: enc.encode(events).subarray(0, 16 * 1024),
  });
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("encodeTxResultRecord", () => {
  it("equals TxResultRecord.serialize on random records", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: 0xffff_ffff }),
        fc.nat({ max: 0xffff_ffff }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.string({ unit: "binary", maxLength: 400 }),
        fc.string({ unit: "binary", maxLength: 3000 }),
        (h, i, code, gas, log, events) => {
          expect(hex(encodeTxResultRecord(h, i, code, gas, log, events))).toBe(
            hex(reference(h, i, code, gas, log, events)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("at and over the limits, with a multi-byte character across the cut", () => {
    const cases: [string, string][] = [
      ["x".repeat(1024), "y".repeat(16 * 1024)],
      ["x".repeat(1025), "[]"],
      ["", "y".repeat(16 * 1024 + 1)],
      [`${"x".repeat(1023)}é`, "[]"],
      ["ok", `${"y".repeat(16 * 1024 - 1)}€`],
      ["", ""],
      ["\uD800 lone", "a\uDC00b"],
    ];
    for (const [log, events] of cases)
      expect(hex(encodeTxResultRecord(7, 3, 5, 123_456, log, events))).toBe(
        hex(reference(7, 3, 5, 123_456, log, events)),
      );
  });

  it("decodes back to its fields", () => {
    const r = TxResultRecord.deserialize(
      encodeTxResultRecord(42, 9, 201, 70_000, "insufficient funds", '[{"type":"x"}]'),
    );
    expect(r.height).toBe(42);
    expect(r.index).toBe(9);
    expect(r.code).toBe(201);
    expect(r.gasUsed).toBe(70_000);
    expect(Buffer.from(r.log).toString()).toBe("insufficient funds");
    expect(Buffer.from(r.events).toString()).toBe('[{"type":"x"}]');
  });
});
