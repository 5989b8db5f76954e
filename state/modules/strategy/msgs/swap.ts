import { msgDef } from "../../../module.ts";
import { validateAmount } from "../../bank/schemas.ts";
import { swap } from "../pool.ts";
import { MsgSwap, text } from "../schemas.ts";

/** strategy/swap {pool, denomIn, amountIn, minOut}: a constant-product swap with slippage protection. */
export const swapMsg = msgDef({
  schema: MsgSwap,
  gas: 60_000n,
  validateBasic: (m) => validateAmount(m.amountIn, "amountIn"),
  execute: (ctx, signer, m) => void swap(ctx, signer, text(m.pool), text(m.denomIn), m.amountIn, m.minOut),
});
