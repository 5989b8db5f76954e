// Shared consensus types. Powers are bigint (CometBFT uses int64); the >2/3 and >1/3 thresholds
// are computed with integer arithmetic only.
export type ValidatorInfo = { address: Uint8Array; pubkey: Uint8Array; power: bigint };

export const RoundStep = {
  NewHeight: 1,
  Propose: 2,
  Prevote: 3,
  Precommit: 4,
  Commit: 5,
} as const;
export type RoundStepValue = (typeof RoundStep)[keyof typeof RoundStep];

export const TimeoutStep = { Propose: "propose", Prevote: "prevote", Precommit: "precommit" } as const;
export type TimeoutStepValue = (typeof TimeoutStep)[keyof typeof TimeoutStep];

export type TimeoutParams = {
  proposeMs: number;
  proposeDeltaMs: number;
  prevoteMs: number;
  prevoteDeltaMs: number;
  precommitMs: number;
  precommitDeltaMs: number;
  commitMs: number;
};

/** CometBFT defaults: propose 3 s, prevote/precommit 1 s, +0.5 s per round, commit 1 s. */
export const DEFAULT_TIMEOUTS: TimeoutParams = {
  proposeMs: 3000,
  proposeDeltaMs: 500,
  prevoteMs: 1000,
  prevoteDeltaMs: 500,
  precommitMs: 1000,
  precommitDeltaMs: 500,
  commitMs: 1000,
};

export function timeoutFor(t: TimeoutParams, step: TimeoutStepValue, round: number): number {
  switch (step) {
    case "propose":
      return t.proposeMs + t.proposeDeltaMs * round;
    case "prevote":
      return t.prevoteMs + t.prevoteDeltaMs * round;
    case "precommit":
      return t.precommitMs + t.precommitDeltaMs * round;
  }
}

export function totalPower(vals: readonly ValidatorInfo[]): bigint {
  let t = 0n;
  for (const v of vals) t += v.power;
  return t;
}

/** power > 2/3 of total */
export function isTwoThirds(power: bigint, total: bigint): boolean {
  return power * 3n > total * 2n;
}

/** power > 1/3 of total: at least one honest validator is among them */
export function isOneThird(power: bigint, total: bigint): boolean {
  return power * 3n > total;
}

export function hexId(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
