import { msgDef } from "../../../module.ts";
import { validateAmount } from "../../bank/schemas.ts";
import { addLiquidity } from "../pool.ts";
import { MsgAddLiquidity, text } from "../schemas.ts";

/** strategy/add_liquidity {pool, maxStra, maxStstra}: adds at the pool ratio, rounded against the LP. */
export const addLiquidityMsg = msgDef({
  schema: MsgAddLiquidity,
  gas: 80_000n,
  validateBasic: (m) => {
    validateAmount(m.maxStra, "maxStra");
    validateAmount(m.maxStstra, "maxStstra");
  },
  execute: (ctx, signer, m) => void addLiquidity(ctx, signer, text(m.pool), m.maxStra, m.maxStstra),
});
