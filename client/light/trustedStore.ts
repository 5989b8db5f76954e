// The light client's trusted store in a home directory (`<home>/light/trusted.json`): the last
// header it verified (height, hash, time) and the chain it belongs to, so the next `--verify`
// starts from there without trust flags. Written only after a verification succeeded.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type TrustedRecord = { chainId: string; height: number; hash: string; time: string };

export const trustedStorePath = (home: string): string => join(home, "light", "trusted.json");

export function loadTrusted(home: string): TrustedRecord | undefined {
  const p = trustedStorePath(home);
  if (!existsSync(p)) return undefined;
  const j = JSON.parse(readFileSync(p, "utf8")) as TrustedRecord;
  if (typeof j.chainId !== "string" || !Number.isSafeInteger(j.height) || !/^[0-9A-Fa-f]{64}$/.test(j.hash))
    throw new Error(`${p} is not a trusted-header record: delete it and pass --trust-height/--trust-hash`);
  return j;
}

export function saveTrusted(home: string, r: TrustedRecord): void {
  const p = trustedStorePath(home);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(`${p}.tmp`, `${JSON.stringify(r, null, 2)}\n`);
  renameSync(`${p}.tmp`, p);
}
