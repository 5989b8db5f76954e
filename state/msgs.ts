// The registry of message kinds: type tag -> schema, stateless check, handler. Adding a module's
// message means one entry here; nothing else in the tx pipeline changes.
import type { Type } from "@chainsafe/ssz";
import type { ExecContext } from "./context.ts";
import { MsgSend, validateSend } from "./modules/bank/msgs.ts";
import { processSend } from "./modules/bank/handlers/send.ts";
import { MsgCreateValidator, MsgDelegate, MsgEditValidator, MsgRedelegate, MsgUndelegate, validateCreateValidator, validateDelegate, validateEditValidator, validateRedelegate } from "./modules/staking/msgs.ts";
import { processRedelegate } from "./modules/staking/handlers/redelegate.ts";
import { processEditValidator } from "./modules/staking/handlers/editValidator.ts";
import { processCreateValidator } from "./modules/staking/handlers/createValidator.ts";
import { processDelegate } from "./modules/staking/handlers/delegate.ts";
import { processUndelegate } from "./modules/staking/handlers/undelegate.ts";
import { MsgWithdrawRewards, processWithdrawRewards } from "./modules/distribution/handlers/withdrawRewards.ts";
import { MsgWithdrawCommission, processWithdrawCommission } from "./modules/distribution/handlers/withdrawCommission.ts";
import { MsgUnjail, processUnjail } from "./modules/slashing/handlers/unjail.ts";
import { ErrorCode, StrataError } from "./errors.ts";
import { MsgLstClaim, MsgLstResume, MsgLstStake, MsgLstUnstake, validateClaim, validateLstAmount } from "./modules/lst/msgs.ts";
import { processLstStake } from "./modules/lst/handlers/stake.ts";
import { processLstUnstake } from "./modules/lst/handlers/unstake.ts";
import { processLstClaim } from "./modules/lst/handlers/claim.ts";
import { processLstResume } from "./modules/lst/handlers/resume.ts";
import { lrtKinds } from "./modules/lrt/msgs.ts";
import { MsgParamsUpdate, processParamsUpdate } from "./modules/params/handlers/update.ts";

export type MsgKind<T> = {
  schema: Type<T>;
  validateBasic(msg: T): void;
  process(ctx: ExecContext, signer: Uint8Array, msg: T): void;
};

function kind<T>(k: MsgKind<T>): MsgKind<unknown> {
  return k as unknown as MsgKind<unknown>;
}

export const MSG_KINDS: ReadonlyMap<string, MsgKind<unknown>> = new Map([
  ...Object.entries(lrtKinds).map(([k, v]) => [k, v as unknown as MsgKind<unknown>] as [string, MsgKind<unknown>]),
  ["params/update", kind({ schema: MsgParamsUpdate, validateBasic: () => {}, process: processParamsUpdate })],
  ["lst/stake", kind({ schema: MsgLstStake, validateBasic: validateLstAmount, process: processLstStake })],
  ["lst/unstake", kind({ schema: MsgLstUnstake, validateBasic: validateLstAmount, process: processLstUnstake })],
  ["lst/claim", kind({ schema: MsgLstClaim, validateBasic: validateClaim, process: processLstClaim })],
  ["lst/resume", kind({ schema: MsgLstResume, validateBasic: () => {}, process: (ctx, signer) => processLstResume(ctx, signer) })],
  ["bank/send", kind({ schema: MsgSend, validateBasic: validateSend, process: processSend })],
  ["staking/create_validator", kind({ schema: MsgCreateValidator, validateBasic: validateCreateValidator, process: processCreateValidator })],
  ["staking/delegate", kind({ schema: MsgDelegate, validateBasic: validateDelegate, process: processDelegate })],
  ["staking/undelegate", kind({ schema: MsgUndelegate, validateBasic: validateDelegate, process: processUndelegate })],
  ["staking/redelegate", kind({ schema: MsgRedelegate, validateBasic: validateRedelegate, process: processRedelegate })],
  ["staking/edit_validator", kind({ schema: MsgEditValidator, validateBasic: validateEditValidator, process: processEditValidator })],
  ["distribution/withdraw_rewards", kind({ schema: MsgWithdrawRewards, validateBasic: () => {}, process: processWithdrawRewards })],
  ["distribution/withdraw_commission", kind({ schema: MsgWithdrawCommission, validateBasic: () => {}, process: processWithdrawCommission })],
  [
    "slashing/unjail",
    kind({
      schema: MsgUnjail,
      validateBasic: (m) => {
        if (m.reserved !== 0) throw new StrataError(ErrorCode.TxMalformed, "reserved must be 0");
      },
      process: processUnjail,
    }),
  ],
]);
