import { ByteListType, ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20, MAX_DENOM_BYTES, Uint128 } from "../../encoding/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { isDenom } from "../../denoms.ts";

export const MsgSend = new ContainerType(
  { to: Bytes20, denom: new ByteListType(MAX_DENOM_BYTES), amount: Uint128 },
  { typeName: "MsgSend" },
);
export type MsgSendValue = ValueOf<typeof MsgSend>;

const utf8d = new TextDecoder("utf-8", { fatal: true });

/** Decodes a denom field; rejects invalid UTF-8 and denoms the chain does not know. */
export function decodeDenom(b: Uint8Array): string {
  let d: string;
  try {
    d = utf8d.decode(b);
  } catch {
    throw new StrataError(ErrorCode.UnknownDenom, "denom is not valid UTF-8");
  }
  if (!isDenom(d)) throw new StrataError(ErrorCode.UnknownDenom, `unknown denom "${d}" (known: stra, ststra, rststra)`);
  return d;
}

export function validateAmount(amount: bigint, what = "amount"): void {
  if (amount <= 0n) throw new StrataError(ErrorCode.InvalidAmount, `${what} must be > 0, got ${amount}`);
}

/** Stateless checks of bank/send. */
export function validateSend(msg: MsgSendValue): void {
  decodeDenom(msg.denom);
  validateAmount(msg.amount);
}
