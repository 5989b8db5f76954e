// Who proposes at (height, round): CometBFT's rule. The set of height 1 is NewValidatorSet of
// the genesis validators; each later height increments priorities once; round r increments the
// height's set r more times. The current height's set is kept and advanced incrementally.
import { copyIncrementProposerPriority, getProposer, newValidatorSet, type ValidatorSet } from "../consensus/validatorSet.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import type { ValidatorEntryValue } from "../state/validators.ts";

export type ProposerScheduleApi = {
  proposer(height: number, round: number): Uint8Array;
  /** the set (with priorities) of `height`, as the validators RPC shows it */
  setAt(height: number): ValidatorSet;
};

export function makeProposerSchedule(genesisVals: readonly ValidatorEntryValue[]): ProposerScheduleApi {
  const initial = () => newValidatorSet(genesisVals.map((v) => ({ address: addressFromPubkey(v.pubkey), pubkey: v.pubkey, power: BigInt(v.power) })));
  let h = 1;
  let set: ValidatorSet = initial();
  const roundCache = new Map<number, Uint8Array>();
  const advance = (height: number) => {
    if (height < h) {
      h = 1;
      set = initial();
      roundCache.clear();
    }
    if (height > h) roundCache.clear();
    while (h < height) {
      set = copyIncrementProposerPriority(set, 1);
      h++;
    }
  };
  const setAt = (height: number): ValidatorSet => {
    // RPC may ask for an older height than consensus is at: compute it aside
    if (height < h) {
      let s = initial();
      for (let i = 1; i < height; i++) s = copyIncrementProposerPriority(s, 1);
      return s;
    }
    advance(height);
    return set;
  };
  const proposer = (height: number, round: number): Uint8Array => {
    advance(height);
    if (round === 0) return getProposer(set)!.address;
    let a = roundCache.get(round);
    if (!a) {
      a = getProposer(copyIncrementProposerPriority(set, round))!.address;
      roundCache.set(round, a);
    }
    return a;
  };
  return { proposer, setAt };
}
