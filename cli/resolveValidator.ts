// Users name validators the way explorers show them: by operator address or by moniker.
import { StrataClient } from "../client/rpcClient.ts";
import { decodeAddress } from "../state/crypto/address.ts";

type ValidatorRow = { operator: string; moniker: string };

/** The operator address of `nameOrAddress` (a `strata1…` address, or a moniker on the chain). */
export async function resolveValidator(node: string, nameOrAddress: string): Promise<Uint8Array> {
  if (/^strata1[02-9ac-hj-np-z]+$/i.test(nameOrAddress)) return decodeAddress(nameOrAddress);
  const vals = (await new StrataClient(node).call<{ validators: ValidatorRow[] }>("staking_validators")).validators;
  const hits = vals.filter((v) => v.moniker.toLowerCase() === nameOrAddress.toLowerCase());
  if (hits.length === 1) return decodeAddress(hits[0].operator);
  const names = vals.map((v) => v.moniker).join(", ");
  if (hits.length === 0)
    throw new Error(
      `no validator named "${nameOrAddress}" (validators: ${names}); give its operator address or moniker`,
    );
  throw new Error(
    `${hits.length} validators are named "${nameOrAddress}": give the operator address (${hits.map((h) => h.operator).join(", ")})`,
  );
}
