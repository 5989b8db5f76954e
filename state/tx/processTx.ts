import { StrataError } from "../errors.ts";
import type { ExecContext } from "../context.ts";
import type { StrataEvent } from "../events.ts";
import { event } from "../events.ts";
import { encodeAddress } from "../crypto/address.ts";
import { incrementNonce, send } from "../modules/bank/keeper.ts";
import { FEE_COLLECTOR } from "../moduleAccounts.ts";
import type { DecodedTx } from "./decodeTx.ts";
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
    if (!(e instanceof StrataError)) throw e;
    return { ...base, code: e.code, log: e.message, gasUsed: 0n, events: [], charged: false };
  }
  send(ctx.store, tx.sender, FEE_COLLECTOR, "stra", tx.body.fee);
  incrementNonce(ctx.store, tx.sender);
  const sender = encodeAddress(tx.sender);
  const feeEvent = event("tx", { fee: `${tx.body.fee}stra`, fee_payer: sender, nonce: tx.body.nonce.toString() });

  const outer = ctx.store;
  const scratch = outer.child();
  const events: StrataEvent[] = [];
  const msgCtx: ExecContext = { ...ctx, store: scratch, events };
  try {
    for (const m of tx.msgs) {
      events.push(event("message", { action: m.type, sender, module: m.type.split("/")[0] }));
      m.kind.process(msgCtx, tx.sender, m.value);
    }
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
    return { ...base, code: e.code, log: e.message, gasUsed: tx.gas, events: [feeEvent], charged: true };
  }
  scratch.flushToParent();
  return { ...base, code: 0, log: "", gasUsed: tx.gas, events: [feeEvent, ...events], charged: true };
}

export function isOk(r: TxResult): boolean {
  return r.code === 0;
}

