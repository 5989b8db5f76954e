// params' message codec (the client imports it).
import { ByteListType, ContainerType, type ValueOf } from "@chainsafe/ssz";

/** params/update {module, params}: `params` is JSON naming only the fields that change. */
export const MsgParamsUpdate = new ContainerType(
  { module: new ByteListType(32), params: new ByteListType(8192) },
  { typeName: "MsgParamsUpdate" },
);
export type MsgParamsUpdateValue = ValueOf<typeof MsgParamsUpdate>;
