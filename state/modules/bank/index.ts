// bank: balances, nonces and supply; the only module every other one calls.
import type { Module } from "../../module.ts";
import { bankQueries } from "./queries.ts";
import { bankInvariants } from "./invariants.ts";
import { sendMsg } from "./msgs/send.ts";

export const bankModule = {
  name: "bank",
  queries: bankQueries,
  msgs: { send: sendMsg },
  invariants: bankInvariants,
} as const satisfies Module;
