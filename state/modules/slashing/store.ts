// slashing keys (prefix 0x04): params and per-validator signing info (a missed-blocks bitmap
// over the sliding window).
import { ByteListType, ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint128, Uint32, Uint64Num } from "../../encoding/types.ts";
import { Prefix, prefixed } from "../../keys.ts";
import type { Overlay } from "../../store/overlay.ts";
import type { KVReader } from "../../store/types.ts";
import { record } from "../../store/record.ts";

export const SlashingParams = new ContainerType(
  {
    signedBlocksWindow: Uint32,
    minSignedPerWindow: Uint128,
    downtimeJailMs: Uint64Num,
    slashFractionDoubleSign: Uint128,
    slashFractionDowntime: Uint128,
  },
  { typeName: "SlashingParams" },
);
export const SigningInfo = new ContainerType(
  { startHeight: Uint64Num, indexOffset: Uint64Num, missedCounter: Uint32, missed: new ByteListType(1024) },
  { typeName: "SigningInfo" },
);
export type SlashingParamsValue = ValueOf<typeof SlashingParams>;
export type SigningInfoValue = ValueOf<typeof SigningInfo>;

const E18 = 10n ** 18n;
/** DESIGN.md: double sign 5 %, downtime 0.01 % and 10 minutes of jail, < 50 % of 100 blocks signed. */
export const DEFAULT_SLASHING_PARAMS: SlashingParamsValue = {
  signedBlocksWindow: 100,
  minSignedPerWindow: E18 / 2n,
  downtimeJailMs: 10 * 60_000,
  slashFractionDoubleSign: E18 / 20n,
  slashFractionDowntime: E18 / 10_000n,
};

const K = { params: Uint8Array.of(Prefix.slashing, 0x01), info: Uint8Array.of(Prefix.slashing, 0x02) };

/** Every signing-info record (consensus address after the prefix): the export rewrites them. */
export const SIGNING_INFO_PREFIX = K.info;

const params = record(K.params, SlashingParams, () => DEFAULT_SLASHING_PARAMS);
export const getParams = params.get;
export const setParams = params.set;
export function getSigningInfo(s: KVReader, consAddr: Uint8Array): SigningInfoValue | undefined {
  const b = s.get(prefixed(K.info, consAddr));
  return b ? SigningInfo.deserialize(b) : undefined;
}
export function setSigningInfo(s: Overlay, consAddr: Uint8Array, i: SigningInfoValue): void {
  s.set(prefixed(K.info, consAddr), SigningInfo.serialize(i));
}
