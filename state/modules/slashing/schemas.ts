// slashing's message codecs (the client imports these).
import { ContainerType, type ValueOf } from "@chainsafe/ssz";
import { Uint8 } from "../../encoding/types.ts";

/** The message has no fields; SSZ needs one, so it carries a reserved byte that must be 0. */
export const MsgUnjail = new ContainerType({ reserved: Uint8 }, { typeName: "MsgUnjail" });
export type MsgUnjailValue = ValueOf<typeof MsgUnjail>;
