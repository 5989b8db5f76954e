import { msgDef } from "../../../module.ts";
import { validateAmount } from "../../bank/schemas.ts";
import { removeLiquidity } from "../pool.ts";
import { MsgRemoveLiquidity, text } from "../schemas.ts";

/** strategy/remove_liquidity {pool, shares}: burns LP shares for their part of both reserves. */
export const removeLiquidityMsg = msgDef({
  schema: MsgRemoveLiquidity,
  gas: 80_000n,
  validateBasic: (m) => validateAmount(m.shares, "shares"),
  execute: (ctx, signer, m) => void removeLiquidity(ctx, signer, text(m.pool), m.shares),
});
