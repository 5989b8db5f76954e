import { msgDef } from "../../../module.ts";
import { validateAmount } from "../../bank/schemas.ts";
import { requestWithdrawal } from "../keeper.ts";
import { MsgAmount } from "../schemas.ts";

/** lrt/request_withdrawal {amount}: burns rststra for its share of each asset, paid after the delay. */
export const requestWithdrawalMsg = msgDef({
  schema: MsgAmount,
  gas: 150_000n,
  validateBasic: (m) => validateAmount(m.amount),
  execute: (ctx, signer, m) => void requestWithdrawal(ctx, signer, m.amount),
});
