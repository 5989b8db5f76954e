// Who proposes at (height, round): CometBFT's rule. The set of height 1 is NewValidatorSet of
// the genesis validators; each later height increments priorities once; round r increments the
// height's set r more times. The current height's set is kept and advanced incrementally.
import { copyIncrementProposerPriority, getProposer, newValidatorSet, type ValidatorSet } from "../consensus/validatorSet.ts";
import { addressFromPubkey } from "../state/crypto/address.ts";
import type { ValidatorEntryValue } from "../state/validators.ts";

export function makeProposerSchedule(genesisVals: readonly ValidatorEntryValue[]): (height: number, round: number) => Uint8Array {
  const initial = () => newValidatorSet(genesisVals.map((v) => ({ address: addressFromPubkey(v.pubkey), pubkey: v.pubkey, power: BigInt(v.power) })));
  let h = 1;
  let set: ValidatorSet = initial();
  const roundCache = new Map<number, Uint8Array>();
  return (height, round) => {
    if (height < h) {
      h = 1;
      set = initial();
    }
    if (height > h) roundCache.clear();
    while (h < height) {
      set = copyIncrementProposerPriority(set, 1);
      h++;
    }
    if (round === 0) return getProposer(set)!.address;
    let a = roundCache.get(round);
    if (!a) {
      a = getProposer(copyIncrementProposerPriority(set, round))!.address;
      roundCache.set(round, a);
    }
    return a;
  };
}
