// The browser for the dashboard test: the Chromium that the npm package @sparticuz/chromium ships
// inside itself, so `npm install && npm test` needs nothing installed by hand. CHROMIUM_PATH picks
// another build (e.g. Debian's /usr/bin/chromium) instead.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import sparticuz from "@sparticuz/chromium";
import { chromium, type Browser } from "playwright-core";

const ROOT = join(import.meta.dirname, "..", "..");
const PKG = join(ROOT, "node_modules", "@sparticuz", "chromium");

/**
 * The package inflates its brotli archives into os.tmpdir() and reuses whatever `chromium` it finds
 * there. Inflate into a scratch folder instead and rename it into a per-version cache, so that an
 * interrupted run never leaves a truncated binary, other users of /tmp/chromium are not disturbed,
 * and `rm -rf node_modules` clears it.
 */
async function packagedChromium(): Promise<string> {
  const { version } = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8")) as { version: string };
  const cache = join(ROOT, "node_modules", ".cache", `sparticuz-chromium-${version}`);
  const bin = join(cache, "chromium");
  if (existsSync(bin)) return bin;
  mkdirSync(dirname(cache), { recursive: true });
  const scratch = mkdtempSync(`${cache}.partial-`);
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = scratch; // os.tmpdir() reads it on every call
  try {
    await sparticuz.executablePath(join(PKG, "bin"));
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    renameSync(scratch, cache);
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(bin)) throw e; // not merely another run that inflated it first
  }
  return bin;
}

export async function launchBrowser(): Promise<Browser> {
  const own = process.env.CHROMIUM_PATH;
  if (own) return chromium.launch({ executablePath: own, args: ["--no-sandbox"], headless: true });
  return chromium.launch({ executablePath: await packagedChromium(), args: sparticuz.args, headless: true });
}
