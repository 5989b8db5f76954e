import type { StrataEvent } from "./events.ts";
import type { TxParamsValue } from "./params.ts";
import type { Overlay } from "./store/overlay.ts";
import type { StakingHooks } from "./modules/staking/hooks.ts";

/** Everything a message handler may see: the store overlay and the block's coordinates. */
export type ExecContext = {
  store: Overlay;
  chainId: string;
  height: number;
  /** header time, unix ms: the only clock the state machine has */
  time: number;
  txParams: TxParamsValue;
  events: StrataEvent[];
  /** the staking hooks as the app wired them (state/app.ts) */
  hooks: StakingHooks;
};
