import { describe, expect, it } from "vitest";
import { humanUnits } from "../../../cli/output.ts";

describe("CLI text output", () => {
  it("shows base-unit amounts in whole tokens, every denom", () => {
    expect(humanUnits("strata1x has 49893481741474066486787stra, needs 5000000000000000000000stra")).toBe("strata1x has 49893.481741474066486787 stra, needs 5000 stra");
    expect(humanUnits("burned 1000000000000000000ststra and 1rststra")).toBe("burned 1 ststra and 0.000000000000000001 rststra");
  });
});
