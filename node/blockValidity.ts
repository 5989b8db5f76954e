// Checks of a block received from the network, before it may be voted for or applied. Each
// failure names the rule; execution (the costly part) is done by the caller only after these.
import { Block, type BlockValue } from "../state/encoding/types.ts";
import { blockIdOf, commitHashOf, evidenceHashOf, txsHashOf } from "../consensus/blockHashes.ts";
import { getCommitValidity, type PowerEntry } from "../consensus/commitVerify.ts";
import { blockTime } from "../consensus/medianTime.ts";

export type BlockCheckContext = {
  chainId: string;
  height: number;
  lastBlockId: Uint8Array;
  lastBlockTime: number;
  validatorsHash: Uint8Array;
  /** validators that signed the previous block (for its commit), in set order */
  lastValidators: readonly PowerEntry[];
  /** the set of this height: the proposer must be in it */
  isValidator(addr: Uint8Array): boolean;
};

export type BlockCheck = { ok: true; block: BlockValue } | { ok: false; reason: string };

const eq = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** PERF: one SSZ decode, hashes of txs/header, one verify per signature of lastCommit. */
export function getBlockValidity(ctx: BlockCheckContext, blockId: Uint8Array, bytes: Uint8Array): BlockCheck {
  let block: BlockValue;
  try {
    block = Block.deserialize(bytes);
  } catch (e) {
    return { ok: false, reason: `block does not decode: ${(e as Error).message}` };
  }
  const h = block.header;
  if (Buffer.from(h.chainId).toString() !== ctx.chainId) return { ok: false, reason: "wrong chain id" };
  if (h.height !== ctx.height) return { ok: false, reason: `height ${h.height}, expected ${ctx.height}` };
  if (!eq(blockIdOf(h), blockId)) return { ok: false, reason: "block id does not match header" };
  if (!eq(h.lastBlockId, ctx.lastBlockId)) return { ok: false, reason: "lastBlockId does not match our last block" };
  const t = blockTime(block.lastCommit, ctx.lastValidators, ctx.lastBlockTime);
  if (h.time !== t)
    return {
      ok: false,
      reason: `time ${h.time} is not the BFT time ${t} (weighted median of lastCommit's timestamps, after the last block's ${ctx.lastBlockTime})`,
    };
  if (!eq(h.txsHash, txsHashOf(block.txs))) return { ok: false, reason: "txsHash does not match txs" };
  if (!eq(h.evidenceHash, evidenceHashOf(block.evidence)))
    return { ok: false, reason: "evidenceHash does not match evidence" };
  if (!eq(h.lastCommitHash, commitHashOf(block.lastCommit)))
    return { ok: false, reason: "lastCommitHash does not match lastCommit" };
  if (!eq(h.validatorsHash, ctx.validatorsHash))
    return { ok: false, reason: "validatorsHash does not match the validator set" };
  if (!ctx.isValidator(h.proposer)) return { ok: false, reason: "proposer is not a validator" };
  if (ctx.height > 1) {
    const c = getCommitValidity(ctx.chainId, ctx.lastValidators, ctx.height - 1, ctx.lastBlockId, block.lastCommit);
    if (!c.ok) return { ok: false, reason: `lastCommit invalid: ${c.detail}` };
  } else if (block.lastCommit.signatures.length !== 0) {
    return { ok: false, reason: "first block must have an empty lastCommit" };
  }
  return { ok: true, block };
}
