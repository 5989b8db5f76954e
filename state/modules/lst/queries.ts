// lst's queries, registered in its manifest: the pool's state and rate, and an owner's requests.
import type { QueryDef } from "../../module.ts";
import { decodeAddress } from "../../crypto/address.ts";
import { queryLstRequests, queryLstState } from "./keeper.ts";

export const lstQueries: Readonly<Record<string, QueryDef>> = {
  state: {
    summary: "the liquid staking pool: backing, ststra supply, redemption rate, APR, epoch",
    run: (s) => queryLstState(s),
  },
  requests: {
    summary: "an owner's unstake requests with their status",
    args: [{ name: "address", kind: "address" }],
    run: (s, a) => ({ owner: a.address, requests: queryLstRequests(s, decodeAddress(a.address!)) }),
  },
};
