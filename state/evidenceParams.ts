// Evidence params (CometBFT's consensus params evidence.max_age_num_blocks / max_age_duration):
// how old a double sign may be and still be punished. Evidence is refused only when it is older
// than BOTH limits, as CometBFT's IsEvidenceExpired. They live in state so every node checks a
// block's evidence against the same values; `params/update` with space `evidence` changes them.
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint64Num } from "./encoding/types.ts";
import { ChainKey } from "./keys.ts";
import { makeReaders, type Fail } from "./paramsParse.ts";
import type { KVReader } from "./store/types.ts";
import type { Overlay } from "./store/overlay.ts";

export const EvidenceParams = new ContainerType(
  { maxAgeNumBlocks: Uint64Num, maxAgeDurationMs: Uint64Num },
  { typeName: "EvidenceParams" },
);
export type EvidenceParamsValue = ValueOf<typeof EvidenceParams>;

/** CometBFT's defaults: 100,000 blocks and 48 hours (both must pass before evidence expires). */
export const DEFAULT_EVIDENCE_PARAMS: EvidenceParamsValue = {
  maxAgeNumBlocks: 100_000,
  maxAgeDurationMs: 48 * 3600 * 1000,
};

export function getEvidenceParams(store: KVReader): EvidenceParamsValue {
  const b = store.get(ChainKey.evidenceParams);
  return b ? EvidenceParams.deserialize(b) : DEFAULT_EVIDENCE_PARAMS;
}

export function setEvidenceParams(store: Overlay, p: EvidenceParamsValue): void {
  store.set(ChainKey.evidenceParams, EvidenceParams.serialize(p));
}

export function parseEvidenceParams(
  v: unknown,
  cur: EvidenceParamsValue,
  field: string,
  fail: Fail,
): EvidenceParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(o, ["maxAgeNumBlocks", "maxAgeDurationMs"], field);
  const p: EvidenceParamsValue = {
    maxAgeNumBlocks:
      o.maxAgeNumBlocks === undefined
        ? cur.maxAgeNumBlocks
        : Number(r.uint(o.maxAgeNumBlocks, `${field}.maxAgeNumBlocks`, 1n << 48n)),
    maxAgeDurationMs:
      o.maxAgeDurationMs === undefined
        ? cur.maxAgeDurationMs
        : Number(r.uint(o.maxAgeDurationMs, `${field}.maxAgeDurationMs`, 1n << 48n)),
  };
  if (p.maxAgeNumBlocks < 1) fail(`${field}.maxAgeNumBlocks`, "must be at least 1");
  if (p.maxAgeDurationMs < 1) fail(`${field}.maxAgeDurationMs`, "must be at least 1");
  return p;
}
