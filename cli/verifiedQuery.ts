// `--verify` for `strata query`: answers checked by the light client (client/light/) against a
// header verified from a trusted one, never taken on the node's word. Trust comes from
// --trust-height/--trust-hash (obtained out of band, e.g. from a block explorer or another node)
// or from the home's trusted store, which each successful verification moves forward. With
// --witness, other nodes are asked for the same header (client/light/witnesses.ts).
import type { Command } from "commander";
import { StrataClient } from "../client/rpcClient.ts";
import { LightClient } from "../client/light/lightClient.ts";
import { LightClientError } from "../client/light/lightClientError.ts";
import { rpcProvider } from "../client/light/rpcProvider.ts";
import { loadTrusted, saveTrusted, trustedStorePath } from "../client/light/trustedStore.ts";
import { crossCheck, type WitnessReport } from "../client/light/witnesses.ts";
import type { LightClientOptions, TrustOptions } from "../client/light/lightClient.ts";

export type VerifyOpts = {
  verify?: boolean;
  trustHeight?: string;
  trustHash?: string;
  trustingPeriod: string;
  home: string;
  node: string;
  witness?: string[];
};

export function withVerifyOptions(c: Command): Command {
  return c
    .option("--verify", "check the answer with the light client against a verified header")
    .option("--trust-height <h>", "height of a header you trust (with --trust-hash); else the home's trusted store")
    .option("--trust-hash <hex>", "hash of the trusted header (block id, 64 hex)")
    .option(
      "--trusting-period <hours>",
      "how long a verified header may serve as trust (keep it below the unbonding time)",
      "168",
    )
    .option(
      "--witness <url>",
      "another node's RPC to cross-check the verified header with (repeatable); a fork it proves fails the check",
      (v: string, prev: string[] = []) => [...prev, v],
    );
}

export type Verified =
  | { ok: true; height: number; trustedFrom: number; header: string; witnesses: WitnessReport[] }
  | { ok: false; reason: string; kind?: string };

/** A light client trusting what the options or the home's store say. */
export async function openLightClient(
  o: VerifyOpts,
): Promise<{ lc: LightClient; from: number; trust: TrustOptions; lcOpts: LightClientOptions }> {
  const client = new StrataClient(o.node);
  const stored = loadTrusted(o.home);
  let height: number;
  let hash: string;
  let chainId: string;
  if (o.trustHeight || o.trustHash) {
    if (!o.trustHeight || !o.trustHash) throw new Error("give both --trust-height and --trust-hash");
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(o.trustHash)) throw new Error("--trust-hash must be 32 bytes of hex");
    height = Number(o.trustHeight);
    if (!Number.isSafeInteger(height) || height < 1) throw new Error("--trust-height must be a positive integer");
    hash = o.trustHash.replace(/^0x/, "");
    // the chain id is bound by the trusted hash: a node lying about it fails the hash check
    chainId = stored?.chainId ?? (await client.status()).node_info.network;
  } else if (stored) {
    ({ height, hash, chainId } = stored);
  } else
    throw new Error(
      `no trusted header: pass --trust-height and --trust-hash (or keep a trusted store at ${trustedStorePath(o.home)})`,
    );
  const hours = Number(o.trustingPeriod);
  if (!(hours > 0)) throw new Error("--trusting-period must be a positive number of hours");
  const trust = { height, hash: new Uint8Array(Buffer.from(hash, "hex")), trustingPeriodMs: hours * 3_600_000 };
  const lcOpts = { chainId };
  const lc = await LightClient.create(rpcProvider(client), trust, lcOpts);
  return { lc, from: height, trust, lcOpts };
}

/** Runs `check` with a light client; moves the trusted store forward on success; never throws a LightClientError. */
export async function verified(
  o: VerifyOpts,
  check: (lc: LightClient) => Promise<{ height: number }>,
): Promise<Verified> {
  try {
    const { lc, from, trust, lcOpts } = await openLightClient(o);
    const { height } = await check(lc);
    const h = await lc.verifyHeight(height);
    const witnesses = await crossCheck(
      h,
      trust,
      lcOpts,
      (o.witness ?? []).map((url) => ({ name: url, provider: rpcProvider(new StrataClient(url)) })),
    );
    const top = lc.latestTrusted;
    saveTrusted(o.home, {
      chainId: Buffer.from(top.header.chainId).toString(),
      height: top.height,
      hash: Buffer.from(top.hash).toString("hex").toUpperCase(),
      time: new Date(top.header.time).toISOString(),
    });
    return {
      ok: true,
      height,
      trustedFrom: from,
      header: Buffer.from(h.hash).toString("hex").toUpperCase(),
      witnesses,
    };
  } catch (e) {
    if (e instanceof LightClientError) return { ok: false, reason: e.message, kind: e.kind };
    throw e;
  }
}

export function verifiedLine(v: Verified): string {
  if (!v.ok) return `verified  NO (${v.kind}): ${v.reason}`;
  const w = v.witnesses.map((r) =>
    r.verdict === "agrees" ? `${r.witness} agrees` : `${r.witness} ${r.verdict} (${r.why})`,
  );
  return `verified  yes: proven against header ${v.height} (${v.header}), verified from trusted height ${v.trustedFrom}${w.length ? `; witnesses: ${w.join(", ")}` : ""}`;
}
