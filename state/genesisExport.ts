// `strata export`: the state of a chain as a genesis a new chain starts from (Cosmos' ExportGenesis
// / `export`). The chain's own part (time, authority, tx and block params, accounts with their
// balances and nonces, the consensus set) is written in the genesis file's readable form; each
// module contributes its params (its manifest's `genesis.export`, in the form its `parse` reads)
// and its records (`genesis.records`: every key under its prefix, heights reset for a chain that
// starts again at height 1). parseGenesis + initChain of the result rebuild the same state, and
// exporting that again gives the same file (test/unit/state/genesisExport.test.ts).
import { APP } from "./app.ts";
import { encodeAddress, addressFromPubkey } from "./crypto/address.ts";
import { Account } from "./encoding/types.ts";
import { ChainKey, Prefix } from "./keys.ts";
import { getLastBlockTime } from "./lastBlockTime.ts";
import { ACCOUNT_PREFIX } from "./modules/bank/store.ts";
import { getBlockParams, getTxParams } from "./params.ts";
import { getEvidenceParams } from "./evidenceParams.ts";
import { paramsJson } from "./paramsQuery.ts";
import type { KVScanner } from "./store/types.ts";
import { getPendingValidators } from "./validators.ts";

export type ExportOptions = {
  /** the height `s` was committed at (recorded in `state.height`) */
  height: number;
  /** the new chain's id (default: the exported chain's) */
  chainId?: string;
};

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/**
 * Every record of the state must reach the file: the chain's own keys are written in the file's
 * readable part, bank's accounts as `accounts` (the supply is their sum), and every other prefix
 * by the module whose `genesis.records` claims it. A record no one claims (a module that forgot
 * its `records`, a chain key added without its export) stops the export instead of being lost.
 */
function checkEverythingExported(s: KVScanner): void {
  const claimed = new Set<number>([Prefix.chain, Prefix.bank]);
  for (const m of APP.modules) if (m.genesis?.records) claimed.add(m.genesis.records.prefix);
  for (const p of Object.values(Prefix)) {
    if (claimed.has(p)) continue;
    for (const _ of s.scan(Uint8Array.of(p)))
      throw new Error(
        `export: the records under prefix 0x${p.toString(16).padStart(2, "0")} belong to no module's genesis.records: they would be lost`,
      );
  }
  const chainKeys = new Set(Object.values(ChainKey).map((k) => hex(k)));
  for (const [k] of s.scan(Uint8Array.of(Prefix.chain)))
    if (!chainKeys.has(hex(k)))
      throw new Error(`export: chain key ${hex(k)} has no place in the genesis file: it would be lost`);
}

/** PERF: O(state): reads every record once. */
export function exportGenesis(s: KVScanner, o: ExportOptions) {
  checkEverythingExported(s);
  const utf8 = new TextDecoder();
  const chainId = o.chainId ?? utf8.decode(s.get(ChainKey.chainId));
  // an account with nothing and no nonce is no account (a new chain reads it as absent, as here)
  const accounts = [...s.scan(ACCOUNT_PREFIX)].flatMap(([k, v]) => {
    const a = Account.deserialize(v);
    if (a.nonce === 0n && a.balances.length === 0) return [];
    return {
      address: encodeAddress(k.subarray(ACCOUNT_PREFIX.length)),
      balances: Object.fromEntries(a.balances.map((c) => [utf8.decode(c.denom), c.amount.toString()])),
      ...(a.nonce > 0n ? { nonce: a.nonce.toString() } : {}),
    };
  });
  // S_{H+2}: the set staking decided last, which its records describe (initChain checks they agree)
  const validators = getPendingValidators(s).map((v) => ({
    pubkey: hex(v.pubkey),
    power: String(v.power),
    moniker: utf8.decode(v.moniker),
    address: encodeAddress(addressFromPubkey(v.pubkey)),
  }));
  const params: Record<string, unknown> = {
    tx: paramsJson(getTxParams(s)),
    block: paramsJson(getBlockParams(s)),
    evidence: paramsJson(getEvidenceParams(s)),
  };
  const records: Record<string, [string, string][]> = {};
  for (const m of APP.modules) {
    const g = m.genesis;
    if (!g) continue;
    params[g.key] = g.export(s);
    if (!g.records) continue;
    const { prefix, restart } = g.records;
    records[m.name] = [...s.scan(Uint8Array.of(prefix))].map(([k, v]) => [hex(k), hex(restart ? restart(k, v) : v)]);
  }
  const time = getLastBlockTime(s);
  if (time === undefined) throw new Error("export: the store holds no chain (no last block time)");
  return {
    chainId,
    genesisTime: new Date(time).toISOString(),
    authority: encodeAddress(s.get(ChainKey.authority)!),
    params,
    accounts,
    validators,
    state: { height: String(o.height), records },
  };
}
