import { describe, expect, it } from "vitest";
import { aprText, humanUnits } from "#cli/output.ts";

describe("CLI text output", () => {
  it("shows an APR as a percentage, — when there is none yet, and never -0.00%", () => {
    expect(aprText(null)).toBe("—");
    expect(aprText("52560000000000000")).toBe("5.25%");
    expect(aprText("-52560000000000000")).toBe("-5.25%");
    expect(aprText("-1")).toBe("0.00%");
    expect(aprText("660000000000000000")).toBe("66.00%");
  });

  it("shows base-unit amounts in whole tokens, every denom", () => {
    expect(humanUnits("strata1x has 49893481741474066486787stra, needs 5000000000000000000000stra")).toBe(
      "strata1x has 49893.481741474066486787 stra, needs 5000 stra",
    );
    expect(humanUnits("burned 1000000000000000000ststra and 1rststra")).toBe(
      "burned 1 ststra and 0.000000000000000001 rststra",
    );
  });
});

import { describeEvents } from "#cli/txResult.ts";

describe("tx results in words", () => {
  it("says what lst, lrt and swap txs minted, paid or queued, in whole tokens", () => {
    const ev = (type: string, attrs: Record<string, string>) => ({
      type,
      attributes: Object.entries(attrs).map(([key, value]) => ({ key, value })),
    });
    expect(
      describeEvents([
        ev("message", { action: "lst/stake" }),
        ev("lst_stake", { amount: "100000000000000000000stra", minted: "99990000000000000000ststra" }),
        ev("lst_unstake", { burned: "10000000000000000000ststra", value: "10001000000000000000stra", request_id: "3" }),
        ev("swap", { in: "5000000000000000000ststra", out: "4900000000000000000stra" }),
      ]),
    ).toEqual([
      "minted 99.99 ststra for 100 stra",
      "withdrawal request 3: at most 10.001 stra for 10 ststra, valued when its epoch ends, claimable after the unbonding (strata query lst requests)",
      "swapped 5 ststra for 4.9 stra",
    ]);
  });
});

describe("tx results in words: whose rewards", () => {
  it("shows rewards paid to the signer, not those the lst pool collected along the way", () => {
    const ev = (delegator: string) => ({
      type: "withdraw_rewards",
      attributes: [
        { key: "delegator", value: delegator },
        { key: "validator", value: "strata1v" },
        { key: "amount", value: "1000000000000000000stra" },
      ],
    });
    expect(describeEvents([ev("strata1pool"), ev("strata1me")], "strata1me")).toEqual(["rewards 1 stra from strata1v"]);
  });
});
