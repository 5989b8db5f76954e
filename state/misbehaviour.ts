// Misbehaviour as the state machine receives it. consensus/evidence/ has already verified the
// evidence behind it (signatures against the set of that height, membership, maximum age), so
// state/ only decides what to do about it (slashing/keeper.ts), never how to prove it.
export type MisbehaviourKind = "duplicate_vote";

export type Misbehaviour = {
  kind: MisbehaviourKind;
  /** consensus address of the key that signed at `height` (a rotated-out key still maps to its operator) */
  validator: Uint8Array;
  height: number;
  /** header time of block `height` (unix ms) */
  time: number;
  /** the validator's voting power in the set of `height` */
  power: number;
};
