import { msgDef } from "../../../module.ts";
import { validateAmount } from "../../bank/schemas.ts";
import { restake } from "../keeper.ts";
import { MsgAmount } from "../schemas.ts";

/** lrt/restake {amount}: deposits ststra, mints rststra at the TVL-for-mint (rounded down). */
export const restakeMsg = msgDef({
  schema: MsgAmount,
  gas: 120_000n,
  validateBasic: (m) => validateAmount(m.amount),
  execute: (ctx, signer, m) => void restake(ctx, signer, m.amount),
});
