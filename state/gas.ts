// Fixed gas per message kind: cost is known before execution, so the fee check is stateless
// and a block's gas is the sum of its txs' gas. Figures are relative work estimates: a transfer
// touches three accounts; the base covers signature verification and nonce/fee bookkeeping.
export const TX_BASE_GAS = 10_000n;
export const GAS_PER_BYTE = 10n;

export const MSG_GAS: Readonly<Record<string, bigint>> = {
  "bank/send": 20_000n,
  "staking/create_validator": 200_000n,
  "staking/delegate": 80_000n,
  "staking/undelegate": 100_000n,
  "staking/redelegate": 150_000n,
  "staking/edit_validator": 50_000n,
  "distribution/withdraw_rewards": 60_000n,
  "distribution/withdraw_commission": 40_000n,
  "slashing/unjail": 60_000n,
  "lst/stake": 150_000n,
  "lst/unstake": 80_000n,
  "lst/claim": 50_000n,
  "lst/resume": 50_000n,
  "params/update": 100_000n,
  "lrt/restake": 120_000n,
  "lrt/request_withdrawal": 150_000n,
  "lrt/claim": 50_000n,
  "strategy/opt_in": 60_000n,
  "strategy/opt_out": 60_000n,
  "strategy/swap": 60_000n,
  "strategy/add_liquidity": 80_000n,
  "strategy/remove_liquidity": 80_000n,
};

export function txGas(txBytes: number, msgTypes: readonly string[]): bigint {
  let gas = TX_BASE_GAS + GAS_PER_BYTE * BigInt(txBytes);
  for (const t of msgTypes) gas += MSG_GAS[t] ?? 0n;
  return gas;
}
