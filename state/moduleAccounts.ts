import { moduleAddress } from "./crypto/address.ts";

/** Module accounts hold funds on behalf of a module; no key can sign for them. */
export const FEE_COLLECTOR = moduleAddress("fee_collector");
