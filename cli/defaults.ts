import { DEFAULT_TX_PARAMS } from "../state/params.ts";

/** The chain's default min gas price; a chain with a higher one needs --gas-price. */
export const DEFAULT_PARAMS_GAS_PRICE = DEFAULT_TX_PARAMS.minGasPrice;
