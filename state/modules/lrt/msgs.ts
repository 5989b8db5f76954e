// Messages of lrt and strategy, with their stateless checks and handlers (each a thin call
// into the keeper that owns the rule).
import { ByteListType, ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint128, Uint64Num } from "../../encoding/types.ts";
import type { ExecContext } from "../../context.ts";
import { ErrorCode, StrataError } from "../../errors.ts";
import { validateAmount } from "../bank/msgs.ts";
import { claim, requestWithdrawal, restake } from "./keeper.ts";
import { optIn, optOut } from "../strategy/service.ts";
import { addLiquidity, removeLiquidity, swap } from "../strategy/pool.ts";

export const MsgAmount = new ContainerType({ amount: Uint128 }, { typeName: "MsgLrtAmount" });
export const MsgClaimId = new ContainerType({ requestId: Uint64Num }, { typeName: "MsgLrtClaim" });
export const MsgService = new ContainerType({ service: new ByteListType(32) }, { typeName: "MsgService" });
export const MsgSwap = new ContainerType({ pool: new ByteListType(32), denomIn: new ByteListType(16), amountIn: Uint128, minOut: Uint128 }, { typeName: "MsgSwap" });
export const MsgAddLiquidity = new ContainerType({ pool: new ByteListType(32), maxStra: Uint128, maxStstra: Uint128 }, { typeName: "MsgAddLiquidity" });
export const MsgRemoveLiquidity = new ContainerType({ pool: new ByteListType(32), shares: Uint128 }, { typeName: "MsgRemoveLiquidity" });

const str = (b: Uint8Array) => Buffer.from(b).toString();
type V<T extends { deserialize(b: Uint8Array): unknown }> = ReturnType<T["deserialize"]>;

export const lrtKinds = {
  "lrt/restake": { schema: MsgAmount, validateBasic: (m: V<typeof MsgAmount>) => validateAmount(m.amount), process: (c: ExecContext, s: Uint8Array, m: V<typeof MsgAmount>) => void restake(c, s, m.amount) },
  "lrt/request_withdrawal": { schema: MsgAmount, validateBasic: (m: V<typeof MsgAmount>) => validateAmount(m.amount), process: (c: ExecContext, s: Uint8Array, m: V<typeof MsgAmount>) => void requestWithdrawal(c, s, m.amount) },
  "lrt/claim": {
    schema: MsgClaimId,
    validateBasic: (m: V<typeof MsgClaimId>) => {
      if (m.requestId < 1) throw new StrataError(ErrorCode.UnknownRequest, "requestId must be ≥ 1");
    },
    process: (c: ExecContext, s: Uint8Array, m: V<typeof MsgClaimId>) => void claim(c, s, m.requestId),
  },
  "strategy/opt_in": { schema: MsgService, validateBasic: () => {}, process: (c: ExecContext, s: Uint8Array, m: V<typeof MsgService>) => optIn(c, s, str(m.service)) },
  "strategy/opt_out": { schema: MsgService, validateBasic: () => {}, process: (c: ExecContext, s: Uint8Array, m: V<typeof MsgService>) => optOut(c, s, str(m.service)) },
  "strategy/swap": {
    schema: MsgSwap,
    validateBasic: (m: V<typeof MsgSwap>) => validateAmount(m.amountIn, "amountIn"),
    process: (c: ExecContext, s: Uint8Array, m: V<typeof MsgSwap>) => void swap(c, s, str(m.pool), str(m.denomIn), m.amountIn, m.minOut),
  },
  "strategy/add_liquidity": {
    schema: MsgAddLiquidity,
    validateBasic: (m: V<typeof MsgAddLiquidity>) => {
      validateAmount(m.maxStra, "maxStra");
      validateAmount(m.maxStstra, "maxStstra");
    },
    process: (c: ExecContext, s: Uint8Array, m: V<typeof MsgAddLiquidity>) => void addLiquidity(c, s, str(m.pool), m.maxStra, m.maxStstra),
  },
  "strategy/remove_liquidity": {
    schema: MsgRemoveLiquidity,
    validateBasic: (m: V<typeof MsgRemoveLiquidity>) => validateAmount(m.shares, "shares"),
    process: (c: ExecContext, s: Uint8Array, m: V<typeof MsgRemoveLiquidity>) => void removeLiquidity(c, s, str(m.pool), m.shares),
  },
} as const;

export type LrtMsgValues = { [K in keyof typeof lrtKinds]: ValueOf<(typeof lrtKinds)[K]["schema"]> };
