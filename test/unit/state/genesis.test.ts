import { describe, expect, it } from "vitest";
import { parseGenesis } from "#state/genesis.ts";
import { ErrorCode, StrataError } from "#state/errors.ts";
import { testGenesisJson } from "#test/fixtures/memChain.ts";

function expectGenesisError(mutate: (g: any) => void, field: string) {
  const g: any = structuredClone(testGenesisJson(2));
  mutate(g);
  try {
    parseGenesis(g);
  } catch (e) {
    expect(e).toBeInstanceOf(StrataError);
    expect((e as StrataError).code).toBe(ErrorCode.InvalidGenesis);
    expect((e as StrataError).message).toContain(`genesis.${field}`);
    return;
  }
  throw new Error("genesis was accepted");
}

describe("genesis validation names the bad field", () => {
  it("accepts the test genesis", () => {
    const g = parseGenesis(testGenesisJson(2));
    expect(g.accounts).toHaveLength(2);
    expect(g.validators[0].power).toBe(10);
  });
  it("chainId", () => expectGenesisError((g) => (g.chainId = "bad chain id!"), "chainId"));
  it("genesisTime", () => expectGenesisError((g) => (g.genesisTime = "yesterday"), "genesisTime"));
  it("authority", () => expectGenesisError((g) => (g.authority = "cosmos1xyz"), "authority"));
  it("account address", () =>
    expectGenesisError((g) => (g.accounts[1].address = "strata1notanaddress"), "accounts[1].address"));
  it("duplicate account", () =>
    expectGenesisError((g) => (g.accounts[1].address = g.accounts[0].address), "accounts[1].address"));
  it("unknown denom", () =>
    expectGenesisError((g) => (g.accounts[0].balances.atom = "5"), "accounts[0].balances.atom"));
  it("negative balance", () =>
    expectGenesisError((g) => (g.accounts[0].balances.stra = "-5"), "accounts[0].balances.stra"));
  it("balance overflow", () =>
    expectGenesisError((g) => (g.accounts[0].balances.stra = (1n << 128n).toString()), "accounts[0].balances.stra"));
  it("supply overflow across accounts", () =>
    expectGenesisError((g) => {
      g.accounts[0].balances.stra = ((1n << 128n) - 1n).toString();
      g.accounts[1].balances.stra = "1";
    }, "accounts[1].balances.stra"));
  it("validator pubkey", () => expectGenesisError((g) => (g.validators[0].pubkey = "00"), "validators[0].pubkey"));
  it("small-order validator pubkey", () =>
    expectGenesisError((g) => (g.validators[0].pubkey = "01" + "00".repeat(31)), "validators[0].pubkey"));
  it("zero power", () => expectGenesisError((g) => (g.validators[0].power = "0"), "validators[0].power"));
  it("no validators", () => expectGenesisError((g) => (g.validators = []), "validators"));
  it("unknown field", () => expectGenesisError((g) => (g.extra = 1), "extra"));
  it("params", () => expectGenesisError((g) => (g.params = { tx: { minGasPrice: "x" } }), "params.tx.minGasPrice"));
});
