import { ErrorCode, StrataError } from "../errors.ts";
import type { ExecContext } from "../context.ts";
import type { StrataEvent } from "../events.ts";
import { event } from "../events.ts";
import { encodeAddress } from "../crypto/address.ts";
import { chargeFee } from "../modules/bank/keeper.ts";
import { FEE_COLLECTOR } from "../moduleAccounts.ts";
import type { DecodedTx } from "./decodeTx.ts";
import { sha256 } from "../crypto/hash.ts";
import { checkTxAgainstAccount, checkTxForChain, checkTxSignature } from "./txValidity.ts";

export type TxResult = {
  hash: string;
  /** 0 = success; otherwise the StrataError code of the rule the tx broke */
  code: number;
  log: string;
  gasWanted: bigint;
  gasUsed: bigint;
  events: StrataEvent[];
  /** false when the envelope was invalid: nothing at all changed, not even fee and nonce */
  charged: boolean;
};

/**
 * Executes one decoded tx against ctx.store. Envelope failures (chain id, fee floor, signature,
 * nonce, fee balance) change nothing. Once the envelope is valid, fee and nonce are taken, and
 * the messages run in a child overlay that is kept only if every message succeeds.
 * PERF: envelope checks + one ed25519 verify (unless verifySignature=false because the node
 * already verified this exact tx) + the messages' own cost.
 */
export function processTx(ctx: ExecContext, tx: DecodedTx, verifySignature = true): TxResult {
  const base = { hash: tx.hashHex, gasWanted: tx.gas };
  try {
    checkTxForChain(tx, ctx.chainId, ctx.txParams);
    if (verifySignature) checkTxSignature(tx);
    checkTxAgainstAccount(ctx.store, tx, "exact");
  } catch (e) {
    const f = asFailure(e);
    return { ...base, code: f.code, log: f.log, gasUsed: 0n, events: [], charged: false };
  }
  chargeFee(ctx.store, tx.sender, FEE_COLLECTOR, "stra", tx.body.fee);
  const sender = encodeAddress(tx.sender);
  const feeEvent = event("tx", { fee: `${tx.body.fee}stra`, fee_payer: sender, nonce: tx.body.nonce.toString() });

  const outer = ctx.store;
  const scratch = outer.child();
  const events: StrataEvent[] = [];
  const msgCtx: ExecContext = { ...ctx, store: scratch, events };
  try {
    for (const m of tx.msgs) {
      events.push(event("message", { action: m.type, sender, module: m.type.split("/")[0] }));
      const broken = m.kind.verify?.(msgCtx, tx.sender, m.value);
      if (broken) throw broken;
      m.kind.execute(msgCtx, tx.sender, m.value);
    }
  } catch (e) {
    // a broken rule (StrataError) or a bug (anything else): either way the messages' writes are
    // dropped with `scratch` and the block goes on — no transaction can halt the chain
    const f = asFailure(e);
    return { ...base, code: f.code, log: f.log, gasUsed: tx.gas, events: [feeEvent], charged: true };
  }
  scratch.flushToParent();
  return { ...base, code: 0, log: "", gasUsed: tx.gas, events: [feeEvent, ...events], charged: true };
}

/**
 * The result code and log of a failed tx. Anything that is not a StrataError is a bug in the
 * state machine; it becomes the `Internal` code with the error in the log (the node logs every
 * Internal result loudly), as Cosmos' runTx turns a panic into ErrPanic.
 */
export function asFailure(e: unknown): { code: number; log: string } {
  if (e instanceof StrataError) return { code: e.code, log: e.message };
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: ErrorCode.Internal, log: `internal error: ${what}` };
}

/** The result of bytes that do not decode as a tx: named by their hash, nothing charged. */
export function undecodableTxResult(raw: Uint8Array, e: unknown): TxResult {
  const f = asFailure(e);
  return {
    hash: Buffer.from(sha256(raw)).toString("hex").toUpperCase(),
    code: f.code,
    log: f.log,
    gasWanted: 0n,
    gasUsed: 0n,
    events: [],
    charged: false,
  };
}

export function isOk(r: TxResult): boolean {
  return r.code === 0;
}
