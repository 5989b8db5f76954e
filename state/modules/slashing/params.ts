// slashing's params from JSON: genesis and params/update. Each error names the field.
import type { SlashingParamsValue } from "./store.ts";
import { makeReaders, E18, type Fail } from "../../paramsParse.ts";

export function parseSlashingParams(
  v: unknown,
  cur: SlashingParamsValue,
  field: string,
  fail: Fail,
): SlashingParamsValue {
  const r = makeReaders(fail);
  const o = r.obj(v ?? {}, field);
  r.onlyKeys(
    o,
    ["signedBlocksWindow", "minSignedPerWindow", "downtimeJailMs", "slashFractionDoubleSign", "slashFractionDowntime"],
    field,
  );
  const frac = (k: "minSignedPerWindow" | "slashFractionDoubleSign" | "slashFractionDowntime") =>
    o[k] === undefined
      ? cur[k]
      : k === "minSignedPerWindow"
        ? r.uint(o[k], `${field}.${k}`, E18)
        : r.fraction(o[k], `${field}.${k}`);
  const p: SlashingParamsValue = {
    signedBlocksWindow:
      o.signedBlocksWindow === undefined
        ? cur.signedBlocksWindow
        : Number(r.uint(o.signedBlocksWindow, `${field}.signedBlocksWindow`, 8192n)),
    minSignedPerWindow: frac("minSignedPerWindow"),
    downtimeJailMs:
      o.downtimeJailMs === undefined
        ? cur.downtimeJailMs
        : Number(r.uint(o.downtimeJailMs, `${field}.downtimeJailMs`, 10n ** 13n)),
    slashFractionDoubleSign: frac("slashFractionDoubleSign"),
    slashFractionDowntime: frac("slashFractionDowntime"),
  };
  if (p.signedBlocksWindow < 2) fail(`${field}.signedBlocksWindow`, "must be at least 2");
  return p;
}
