// A block's stored tx results, built from each tx's events JSON, are the same JSON document as
// JSON.stringify(storedTxResults(results)), and the whole block results decode to what was given.
import { describe, expect, it } from "vitest";
import { txResultsJson } from "#node/txResultsJson.ts";
import {
  decodeBlockResults,
  encodeBlockResults,
  encodeBlockResultsWithTxsJson,
  storedTxResults,
} from "#node/blockResults.ts";
import { MemChain, send, testKey } from "#test/fixtures/memChain.ts";
import type { TxResult } from "#state/tx/processTx.ts";

const reference = (results: TxResult[]) => JSON.stringify(storedTxResults(results));

describe("txResultsJson", () => {
  it("equals JSON.stringify of the stored results for a block of successes and failures", () => {
    const c = new MemChain();
    const [a, b] = [testKey(0), testKey(1)];
    const results = c.block([
      send(a, b.address, 5n, 0n),
      send(a, b.address, 5n, 0n),
      send(b, a.address, 10n ** 30n, 0n),
      send(b, a.address, 1n, 1n, { fee: 1n }),
    ]);
    expect(results.some((r) => r.code !== 0)).toBe(true);
    const got = txResultsJson(
      results,
      results.map((r) => JSON.stringify(r.events)),
    );
    expect(got).toBe(reference(results));
    expect(txResultsJson([], [])).toBe("[]");
    const rest = { events: [], validatorUpdates: [], paramUpdates: null, appHash: "AB" };
    expect(decodeBlockResults(encodeBlockResultsWithTxsJson(got, rest))).toEqual(
      decodeBlockResults(encodeBlockResults({ txs: storedTxResults(results), ...rest })),
    );
  });

  it("escapes logs like JSON.stringify", () => {
    const r: TxResult = {
      hash: "AB",
      gasWanted: 1n,
      code: 7,
      log: 'quote " backslash \\ newline \n unicode é \u2028',
      gasUsed: 0n,
      events: [],
      charged: false,
    };
    expect(JSON.parse(txResultsJson([r], ["[]"]))).toEqual(JSON.parse(reference([r])));
  });
});
