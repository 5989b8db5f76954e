// The evidence pool (CometBFT evidence/pool.go, simplified): evidence this node saw or was sent,
// waiting for a block this node proposes. Conflicting votes seen by consensus at the height it
// is deciding cannot be verified yet (their block is not committed); they wait here, as
// CometBFT's consensus buffer, and are verified when a proposal would carry them. Evidence sent
// by clients (broadcast_evidence) is verified on arrival. Pure: the caller supplies the context
// and, through PoolStore, keeps what is pending across a restart (CometBFT stores it in its
// evidence DB): a node that alone saw a double sign must not forget it by crashing.
import type { Misbehaviour } from "../../state/misbehaviour.ts";
import { decodeEvidence } from "./duplicateVoteEvidence.ts";
import { EvidenceRule, verifyEvidence, type EvidenceContext, type EvidenceVerdict } from "./verifyEvidence.ts";

const MAX_PENDING = 1000;
const MAX_PUNISHED = 10_000;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Where pending evidence is written as it enters and leaves the pool (a node's LevelDB). */
export type PoolStore = { added(raw: Uint8Array): void; dropped(raw: Uint8Array): void };

export class EvidencePool {
  private readonly pending = new Map<string, { raw: Uint8Array; validator: string }>();
  private readonly store: PoolStore | undefined;

  constructor(store?: PoolStore) {
    this.store = store;
  }

  /** Evidence pending before a restart, read back from the store: verified when proposed, as before. */
  restore(raws: readonly Uint8Array[]): void {
    for (const raw of raws) {
      const e = decodeEvidence(raw);
      if (e && this.pending.size < MAX_PENDING)
        this.pending.set(hex(raw), { raw, validator: hex(e.voteA.body.validator) });
    }
  }

  private add(raw: Uint8Array, validator: string): void {
    const k = hex(raw);
    if (this.pending.has(k) || this.pending.size >= MAX_PENDING) return;
    this.pending.set(k, { raw, validator });
    this.store?.added(raw);
  }

  private drop(k: string, raw: Uint8Array): void {
    this.pending.delete(k);
    this.store?.dropped(raw);
  }
  /** validators whose double sign a committed block already carried: more proof of it is useless */
  private readonly punished = new Set<string>();

  get size(): number {
    return this.pending.size;
  }

  /** Conflicting votes consensus observed (not verified yet: see the file comment). */
  addUnverified(raw: Uint8Array): void {
    const e = decodeEvidence(raw);
    if (!e) return;
    const validator = hex(e.voteA.body.validator);
    if (!this.punished.has(validator)) this.add(raw, validator);
  }

  /** Evidence from a client: verified now against the committed chain; kept only if valid. */
  submit(raw: Uint8Array, ctx: EvidenceContext): EvidenceVerdict {
    const v = verifyEvidence(raw, ctx);
    if (v.ok) this.add(raw, hex(v.misbehaviour.validator));
    return v;
  }

  /**
   * Up to `max` pieces of evidence valid in the block `ctx` describes, one per validator.
   * Evidence that can never become valid (bad signature, not a member, expired …) is dropped;
   * evidence of a height not yet committed stays for a later block.
   */
  collect(ctx: EvidenceContext, max: number): { evidence: Uint8Array[]; misbehaviour: Misbehaviour[] } {
    const evidence: Uint8Array[] = [];
    const misbehaviour: Misbehaviour[] = [];
    const taken = new Set<string>();
    for (const [k, p] of this.pending) {
      if (evidence.length >= max) break;
      if (this.punished.has(p.validator) || taken.has(p.validator)) continue;
      const v = verifyEvidence(p.raw, ctx);
      if (!v.ok) {
        if (v.rule !== EvidenceRule.FutureHeight) this.drop(k, p.raw);
        continue;
      }
      taken.add(p.validator);
      evidence.push(p.raw);
      misbehaviour.push(v.misbehaviour);
    }
    return { evidence, misbehaviour };
  }

  /** A committed block's evidence: those validators are punished; their pending evidence goes. */
  committed(evidence: readonly Uint8Array[]): void {
    for (const raw of evidence) {
      const e = decodeEvidence(raw);
      if (!e) continue;
      if (this.punished.size >= MAX_PUNISHED) this.punished.clear();
      this.punished.add(hex(e.voteA.body.validator));
    }
    for (const [k, p] of this.pending) if (this.punished.has(p.validator)) this.drop(k, p.raw);
  }
}
