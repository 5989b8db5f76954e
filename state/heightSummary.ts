// What an explorer charts per height and cannot get from events: the validator set that signed
// the block, and the liquid staking figures (LST and LRT rates, supplies, the LRT's TVL, the
// ststra pool price). Read from the state a block leaves, stored with the block (node/chain.ts,
// when the psql indexer is on) because state is not versioned: once the next block commits,
// these numbers are gone. Amounts and rates are the state's integers (18-decimal fixed point).
import type { KVReader } from "./store/types.ts";
import { getLastValidators } from "./validators.ts";
import { addressFromPubkey } from "./crypto/address.ts";
import { getSupply } from "./modules/bank/keeper.ts";
import { pooledStake, redemptionRate } from "./modules/lst/keeper.ts";
import { lrtRate, tvl } from "./modules/lrt/keeper.ts";
import { getPool, getRegistry, strategyName, StrategyKind } from "./modules/strategy/store.ts";
import { poolPrice } from "./modules/strategy/pool.ts";

export type HeightSummary = {
  /** S_H, the set that signed this block (CometBFT's `validators?height=H`) */
  validators: { address: string; pubkey: string; moniker: string; power: number }[];
  supply: { stra: string; ststra: string; rststra: string };
  lst: { rate: string; pooled: string };
  lrt: { rate: string; tvl: string };
  /** ststra/stra pools: price of ststra in stra */
  pools: { pool: string; price: string }[];
};

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

export function heightSummary(s: KVReader): HeightSummary {
  return {
    validators: getLastValidators(s).map((v) => ({
      address: hex(addressFromPubkey(v.pubkey)),
      pubkey: hex(v.pubkey),
      moniker: Buffer.from(v.moniker).toString(),
      power: v.power,
    })),
    supply: {
      stra: getSupply(s, "stra").toString(),
      ststra: getSupply(s, "ststra").toString(),
      rststra: getSupply(s, "rststra").toString(),
    },
    lst: { rate: redemptionRate(s).toString(), pooled: pooledStake(s).toString() },
    lrt: { rate: lrtRate(s).toString(), tvl: tvl(s).toString() },
    pools: getRegistry(s)
      .filter((x) => x.kind === StrategyKind.Pool)
      .map((x) => ({ pool: strategyName(x), price: poolPrice(getPool(s, strategyName(x))).toString() })),
  };
}
