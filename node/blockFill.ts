// How full the proposer makes its block: the chain's budget (params.block.maxGas) is a limit, not
// a quota. A block must be executed by the proposer before it is sent and by every validator
// before it votes, so on a slow or busy machine a full block stretches every height (issue 17:
// 3,000-transfer blocks took 6-18 s per height on a loaded 2-core machine). The proposer fills
// only as much gas as this node executes within a target time, measured on the blocks it
// executed lately; it never goes below a tenth of the budget, so a slow node still makes
// progress, and on a fast machine the budget binds. Any fill is valid for the other validators
// (they check the budget, not the fill): this is the proposer's choice, liveness only.

/** Gas for the next proposal: what `nsPerGas` allows in `targetMs`, within [maxGas / 10, maxGas]. */
export function proposalGasCap(maxGas: bigint, nsPerGas: number, targetMs: number): bigint {
  if (!(nsPerGas > 0) || !(targetMs > 0)) return maxGas;
  const g = BigInt(Math.floor((targetMs * 1e6) / nsPerGas));
  const floor = maxGas / 10n;
  return g < floor ? floor : g > maxGas ? maxGas : g;
}

/** blocks lighter than this say more about fixed costs than about the cost of gas: not measured */
export const MIN_MEASURED_GAS = 5_000_000n;

/** The execution cost per gas (ns), after executing `gas` in `ms`: a moving average, new blocks weigh 1/3. */
export function nextNsPerGas(prev: number, ms: number, gas: bigint): number {
  if (gas < MIN_MEASURED_GAS) return prev;
  const latest = (ms * 1e6) / Number(gas);
  return prev > 0 ? prev * (2 / 3) + latest / 3 : latest;
}
