import type { ExecContext } from "../../../context.ts";
import { ChainKey } from "../../../keys.ts";
import { ErrorCode, StrataError } from "../../../errors.ts";
import { resume } from "../keeper.ts";
import { msgDef } from "../../../module.ts";
import { MsgLstResume } from "../schemas.ts";

/** lst/resume: the authority lifts the circuit breaker; the current rate becomes the baseline. */
export function processLstResume(ctx: ExecContext, signer: Uint8Array): void {
  const authority = ctx.store.get(ChainKey.authority);
  if (!authority || Buffer.compare(authority, signer) !== 0)
    throw new StrataError(ErrorCode.Unauthorized, "only the chain authority can resume liquid staking");
  resume(ctx);
}

export const resumeMsg = msgDef({
  schema: MsgLstResume,
  gas: 50_000n,
  validateBasic: () => {},
  execute: (ctx, signer) => processLstResume(ctx, signer),
});
