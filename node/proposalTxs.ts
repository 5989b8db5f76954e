// The txs of the proposals of this height and the one before (ours, rebuilt or fetched), by
// hash: they rebuild compact proposals (node/compactBlock.ts) and answer peers' Txs requests
// after the mempool let go of them. Also turns a proposal into its compact wire message, and
// decodes an incoming one once.
import { Block } from "../state/encoding/types.ts";
import { sha256 } from "../state/crypto/hash.ts";
import type { ProposalValue } from "../consensus/proposal.ts";
import { fromCompact, toCompact, txKey, type CompactBlockValue } from "./compactBlock.ts";
import { ProposalMsg, type ProposalMsgValue } from "./wire.ts";

export class ProposalTxs {
  private current = new Map<string, Uint8Array>();
  private previous = new Map<string, Uint8Array>();
  /** compact form of our own proposal block, by block bytes (the rebroadcast sends it again) */
  private readonly compactOf = new WeakMap<Uint8Array, CompactBlockValue>();
  /** gossipsub hands the handler the very bytes object its validator saw: decode it once */
  private readonly decodes = new WeakMap<Uint8Array, ProposalMsgValue>();
  private readonly mempoolTx: (key: string) => Uint8Array | undefined;

  constructor(mempoolTx: (key: string) => Uint8Array | undefined) {
    this.mempoolTx = mempoolTx;
  }

  /** A new height: this height's txs become the previous height's. */
  rotate(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  add(key: string, tx: Uint8Array): void {
    this.current.set(key, tx);
  }

  /** Every tx of a full block (a WAL replay of a proposal). PERF: a block decode and a sha256 per tx. */
  addBlock(block: Uint8Array): void {
    for (const tx of Block.deserialize(block).txs) this.current.set(txKey(sha256(tx)), tx);
  }

  /** A tx this node holds, for rebuilding a proposal or for a peer that lacks it. */
  get(key: string): Uint8Array | undefined {
    return this.current.get(key) ?? this.mempoolTx(key) ?? this.previous.get(key);
  }

  /** Our proposal on the wire, its block compact. PERF: one block decode and a sha256 per tx, once per block. */
  message(proposal: ProposalValue, block: Uint8Array, nonce: number): Uint8Array {
    let compact = this.compactOf.get(block);
    if (!compact) {
      const full = Block.deserialize(block);
      const c = toCompact(full);
      c.txHashes.forEach((h, i) => this.current.set(txKey(h), full.txs[i]!));
      this.compactOf.set(block, (compact = c));
    }
    return ProposalMsg.serialize({ proposal, block: compact, nonce });
  }

  decode(data: Uint8Array): ProposalMsgValue {
    let d = this.decodes.get(data);
    if (!d) this.decodes.set(data, (d = ProposalMsg.deserialize(data)));
    return d;
  }

  /** The full block bytes of a compact proposal, or the hashes of the txs this node lacks. */
  rebuild(compact: CompactBlockValue): { block: Uint8Array } | { missing: Uint8Array[] } {
    const r = fromCompact(compact, (k) => this.get(k));
    if ("missing" in r) return r;
    r.block.txs.forEach((tx, i) => this.current.set(r.keys[i]!, tx));
    return { block: Block.serialize(r.block) };
  }
}
