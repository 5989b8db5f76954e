import { BooleanType, ByteListType, ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Bytes20, Bytes32, Uint128 } from "../../encoding/types.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { ONE } from "../../denoms.ts";
import { validateAmount } from "../bank/schemas.ts";

export const MsgCreateValidator = new ContainerType(
  {
    consensusPubkey: Bytes32,
    moniker: new ByteListType(64),
    commissionRate: Uint128,
    maxCommissionRate: Uint128,
    selfStake: Uint128,
  },
  { typeName: "MsgCreateValidator" },
);
export const MsgDelegate = new ContainerType({ validator: Bytes20, amount: Uint128 }, { typeName: "MsgDelegate" });
export const MsgUndelegate = new ContainerType({ validator: Bytes20, amount: Uint128 }, { typeName: "MsgUndelegate" });
export const MsgRedelegate = new ContainerType(
  { from: Bytes20, to: Bytes20, amount: Uint128 },
  { typeName: "MsgRedelegate" },
);
/** An empty moniker keeps the current one; commission changes only if setCommission. */
export const MsgEditValidator = new ContainerType(
  { moniker: new ByteListType(64), setCommission: new BooleanType(), commissionRate: Uint128 },
  { typeName: "MsgEditValidator" },
);
export type MsgRedelegateValue = ValueOf<typeof MsgRedelegate>;
export type MsgEditValidatorValue = ValueOf<typeof MsgEditValidator>;

export function validateRedelegate(m: MsgRedelegateValue): void {
  validateAmount(m.amount);
  if (Buffer.compare(m.from, m.to) === 0)
    throw new StrataError(ErrorCode.SelfRedelegation, "cannot redelegate to the same validator");
}

export function validateEditValidator(m: MsgEditValidatorValue): void {
  if (m.setCommission && m.commissionRate > ONE)
    throw new StrataError(ErrorCode.InvalidCommission, "commissionRate is above 1.0");
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(m.moniker);
  } catch {
    throw new StrataError(ErrorCode.TxMalformed, "moniker is not valid UTF-8");
  }
}

export type MsgCreateValidatorValue = ValueOf<typeof MsgCreateValidator>;
export type MsgDelegateValue = ValueOf<typeof MsgDelegate>;

export function validateCreateValidator(m: MsgCreateValidatorValue): void {
  if (m.maxCommissionRate > ONE)
    throw new StrataError(ErrorCode.InvalidCommission, `maxCommissionRate ${m.maxCommissionRate} is above 1.0 (1e18)`);
  if (m.commissionRate > m.maxCommissionRate)
    throw new StrataError(
      ErrorCode.InvalidCommission,
      `commissionRate ${m.commissionRate} is above maxCommissionRate ${m.maxCommissionRate}`,
    );
  let moniker: string;
  try {
    moniker = new TextDecoder("utf-8", { fatal: true }).decode(m.moniker);
  } catch {
    throw new StrataError(ErrorCode.TxMalformed, "moniker is not valid UTF-8");
  }
  if (moniker.trim() === "") throw new StrataError(ErrorCode.TxMalformed, "moniker must not be empty");
  validateAmount(m.selfStake, "selfStake");
}

export function validateDelegate(m: MsgDelegateValue): void {
  validateAmount(m.amount);
}

/** staking/rotate_cons_pubkey: the operator's validator signs with a new consensus key from H + 2. */
export const MsgRotateConsPubkey = new ContainerType({ consensusPubkey: Bytes32 }, { typeName: "MsgRotateConsPubkey" });
export type MsgRotateConsPubkeyValue = ValueOf<typeof MsgRotateConsPubkey>;
