// lrt's queries, registered in its manifest: the restaking pool's state and an owner's requests.
import type { QueryDef } from "../../module.ts";
import { decodeAddress } from "../../crypto/address.ts";
import { queryLrtRequests, queryLrtState } from "./keeper.ts";

export const lrtQueries: Readonly<Record<string, QueryDef>> = {
  state: {
    summary: "the liquid restaking pool: holdings, rststra supply, rate, allocations",
    run: (s) => queryLrtState(s),
  },
  requests: {
    summary: "an owner's withdrawal requests with their status",
    args: [{ name: "address", kind: "address" }],
    run: (s, a) => ({ owner: a.address, requests: queryLrtRequests(s, decodeAddress(a.address!)) }),
  },
};
