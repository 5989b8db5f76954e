// What a tx did, in words, from its events: the chain says how much was minted, paid, or which
// request id was queued, so the CLI prints it instead of only "result ok".
import { humanUnits } from "./output.ts";

export type TxEvent = { type: string; attributes: { key: string; value: string }[] };

const get = (e: TxEvent, k: string): string => e.attributes.find((a) => a.key === k)?.value ?? "?";

/**
 * One line per event a user cares about, amounts in whole tokens. `signer`: rewards paid to other
 * delegators along the way (the lst pool's, settled when it delegates) are not the user's news.
 */
export function describeEvents(events: readonly TxEvent[], signer?: string): string[] {
  const out: string[] = [];
  for (const e of events) {
    const a = (k: string) => humanUnits(get(e, k));
    switch (e.type) {
      case "lst_stake":
        out.push(`minted ${a("minted")} for ${a("amount")}`);
        break;
      case "lst_unstake":
        out.push(
          `withdrawal request ${get(e, "request_id")}: at most ${a("value")} for ${a("burned")}, valued when its epoch ends, claimable after the unbonding (strata query lst requests)`,
        );
        break;
      case "lst_claim":
        out.push(`request ${get(e, "request_id")} paid ${a("amount")}`);
        break;
      case "lrt_restake":
        out.push(`minted ${a("minted")} for ${a("amount")}`);
        break;
      case "lrt_request_withdrawal":
        out.push(
          `withdrawal request ${get(e, "request_id")}: ${a("ststra")} + ${a("stra")} for ${a("burned")}, claimable from ${get(e, "claimable_at")}`,
        );
        break;
      case "lrt_claim":
        out.push(`request ${get(e, "request_id")} paid ${a("amount")} and ${a("stra")}`);
        break;
      case "swap":
        out.push(`swapped ${a("in")} for ${a("out")}`);
        break;
      case "add_liquidity":
      case "remove_liquidity":
        out.push(`${e.type === "add_liquidity" ? "received" : "burned"} ${get(e, "shares")} pool shares`);
        break;
      case "withdraw_rewards":
        if (signer === undefined || get(e, "delegator") === signer)
          out.push(`rewards ${a("amount")} from ${get(e, "validator")}`);
        break;
      case "withdraw_commission":
        out.push(`commission ${a("amount")}`);
        break;
      case "unbond":
        out.push(`unbonding ${a("amount")}, paid out at ${get(e, "completion_time")}`);
        break;
      case "rotate_cons_pubkey":
        out.push(
          `the new consensus key signs from height ${get(e, "effective_height")}: switch the node's validator_key.json then (docs/operating.md)`,
        );
        break;
      case "redelegate":
        out.push(`moved ${a("amount")}; it stays slashable at the source until ${get(e, "completion_time")}`);
        break;
    }
  }
  return out;
}
