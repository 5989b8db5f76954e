import type { QueryDef } from "../../module.ts";
import type { KVReader } from "../../store/types.ts";
import { addressFromPubkey, decodeAddress, encodeAddress } from "../../crypto/address.ts";
import {
  getDelegationShares,
  getDelegatorValidators,
  getParams,
  getUnbonding,
  getValidator,
  getValidatorOperators,
} from "./store.ts";
import { powerOf, tokensFromShares } from "./keeper.ts";
import { ValidatorStatus, type ValidatorValue } from "./types.ts";

export function validatorJson(v: ValidatorValue) {
  return {
    operator: encodeAddress(v.operator),
    consensusPubkey: Buffer.from(v.consensusPubkey).toString("hex"),
    /** upper hex, as block headers and commits name the validator */
    consensusAddress: Buffer.from(addressFromPubkey(v.consensusPubkey)).toString("hex").toUpperCase(),
    moniker: Buffer.from(v.moniker).toString(),
    tokens: v.tokens.toString(),
    shares: v.shares.toString(),
    power: String(powerOf(v)),
    commissionRate: v.commissionRate.toString(),
    maxCommissionRate: v.maxCommissionRate.toString(),
    status: v.status === ValidatorStatus.Bonded ? "bonded" : "unbonded",
    jailed: v.jailed,
    tombstoned: v.tombstoned,
  };
}

export function queryValidators(s: KVReader) {
  return getValidatorOperators(s)
    .map((op) => getValidator(s, op)!)
    .sort((a, b) => (a.tokens === b.tokens ? Buffer.compare(a.operator, b.operator) : a.tokens > b.tokens ? -1 : 1))
    .map(validatorJson);
}

export function queryDelegations(s: KVReader, delegator: Uint8Array) {
  return getDelegatorValidators(s, delegator).map((op) => {
    const v = getValidator(s, op)!;
    const shares = getDelegationShares(s, delegator, op);
    return { validator: encodeAddress(op), shares: shares.toString(), tokens: tokensFromShares(v, shares).toString() };
  });
}

export function queryUnbondings(s: KVReader, delegator: Uint8Array) {
  return getValidatorOperators(s).flatMap((op) =>
    getUnbonding(s, delegator, op).entries.map((e) => ({
      validator: encodeAddress(op),
      balance: e.balance.toString(),
      creationHeight: String(e.creationHeight),
      completionTime: new Date(e.completionTime).toISOString(),
    })),
  );
}

export function queryStakingParams(s: KVReader) {
  const p = getParams(s);
  return {
    unbondingTimeMs: p.unbondingTimeMs,
    maxValidators: p.maxValidators,
    maxEntries: p.maxEntries,
    minSelfStake: p.minSelfStake.toString(),
  };
}

/** staking's queries, registered in its manifest (staking_validator, which adds distribution's figures, is the app's). */
export const stakingQueries: Readonly<Record<string, QueryDef>> = {
  validators: {
    summary: "every validator with its tokens, shares, status and commission",
    run: (s) => ({ validators: queryValidators(s) }),
  },
  delegations: {
    summary: "a delegator's delegations with their current value",
    args: [{ name: "address", kind: "address" }],
    run: (s, a) => ({ delegator: a.address, delegations: queryDelegations(s, decodeAddress(a.address!)) }),
  },
  unbondings: {
    summary: "a delegator's unbonding entries",
    args: [{ name: "address", kind: "address" }],
    run: (s, a) => ({ delegator: a.address, unbondings: queryUnbondings(s, decodeAddress(a.address!)) }),
  },
  params: { summary: "staking params", run: (s) => queryStakingParams(s) },
};
