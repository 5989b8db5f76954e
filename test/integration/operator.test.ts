// What an operator sees of a running 4-validator devnet: the dashboard in a real browser (the
// Chromium shipped inside the @sparticuz/chromium package, driven by playwright-core; the
// screenshot is kept in test/artifacts/), the Prometheus scrape of a node checked name by name
// against the node's own RPC, and `health` failing while the chain is stalled and recovering when
// it commits again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../helpers/browser.ts";
import { homePaths } from "#node/config.ts";
import { startTestNet, waitAllAtLeast, type TestNet } from "../helpers/devnet.ts";
import { strata, waitFor } from "../helpers/proc.ts";
import { listKeys } from "#client/keyring.ts";
import { RpcError } from "#client/rpcClient.ts";

const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");

/** `name{labels} value` lines of a Prometheus text scrape. */
function parseScrape(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

describe("operating a devnet: dashboard, metrics, health", () => {
  let net: TestNet;
  let browser: Browser | undefined;
  const metricsUrl = (i: number) =>
    `http://127.0.0.1:${JSON.parse(readFileSync(homePaths(net.homes[i]!).config, "utf8")).metrics.port}/metrics`;
  const scrape = async (i: number) => parseScrape(await (await fetch(metricsUrl(i))).text());

  beforeAll(async () => {
    // a short LRT withdrawal delay, so a request turns claimable while the browser watches
    net = await startTestNet(4, { withdrawalDelayMs: 20_000 });
    await waitAllAtLeast(net, 3, [0, 1, 2, 3]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await net?.stopAll();
  });

  it("the dashboard shows heights advancing, the validator set, and non-empty LST and LRT panels", async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(net.clients[0]!.url + "/");
    const height = async () => Number(await page.locator("[data-testid=height]").textContent());
    await page.waitForFunction(
      '/^\\d+$/.test(document.querySelector("[data-testid=height]")?.textContent ?? "")',
      undefined,
      { timeout: 15_000 },
    );
    const h0 = await height();
    await waitFor("dashboard height advances", async () => ((await height()) >= h0 + 3 ? true : undefined), 20_000);
    await expect.poll(() => page.locator("#live").textContent(), { timeout: 10_000 }).toBe("live");

    const rows = page.locator("#validators tbody tr");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(4);
    expect(await rows.first().locator("td").first().textContent()).toBe("node0");
    expect(await page.locator("#blocks tbody tr").count()).toBeGreaterThan(3);
    expect(await page.locator("#proposers rect").count()).toBe(8); // proposed + expected, per validator

    for (const id of ["lst-rate", "lrt-rate", "pool-price"])
      expect(await page.locator(`[data-testid=${id}]`).textContent()).toMatch(/^\d+\.\d{9}$/);
    expect(Number(await page.locator("[data-testid=lst-rate]").textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.locator("#alloc tbody tr").count()).toBeGreaterThanOrEqual(2);
    // the rate chart draws once the LST has two epochs of history (epochs of 10 blocks: on a busy
    // machine the page can get here first)
    await expect.poll(() => page.locator("#lst-chart polyline").count(), { timeout: 60_000 }).toBe(1);
    // the depeg chart draws both the redemption rate and the pool price (the pool line used to be
    // missing: one observed point drew nothing)
    const poolLine = (await page.locator("#depeg-chart polyline.line-c").getAttribute("points")) ?? "";
    expect(poolLine.trim().split(" ").length).toBeGreaterThanOrEqual(2);
    expect(await page.locator("body").textContent()).not.toMatch(/-0\.0+ %/);
    // minutes after genesis no rate history spans the APR window: "—", not 0 % nor a wild figure
    expect(await page.locator("[data-testid=lst-apr]").textContent()).toBe("—");
    expect(await page.locator("[data-testid=lrt-apr]").textContent()).toBe("—");
    // the staking APR from about half the supply bonded (the reward pool no longer counts 90 % of
    // it as unbonded, which read ~68 %): 7 % inflation / ~0.47 less tax and commission ≈ 13 %
    const stakingRow = page.locator("#yields tbody tr").first();
    const stakingApr = Number(((await stakingRow.locator("td").nth(3).textContent()) ?? "").replace(" %", ""));
    expect(stakingApr).toBeGreaterThan(8);
    expect(stakingApr).toBeLessThan(20);

    // search an account: its balances appear, and its LRT withdrawal request turns from pending
    // to claimable once its delay has passed (by block time), as docs/lrt.md names the statuses
    const alice = listKeys(join(net.dir, "keys")).find((k) => k.name === "alice")!;
    for (const args of [
      ["lst", "stake", "20stra"],
      ["lrt", "restake", "10ststra"],
      ["lrt", "withdraw", "1rststra"],
    ]) {
      const r = strata(["tx", ...args, "--from", "alice", "--home", net.dir, "--node", net.clients[0]!.url, "--yes"]);
      expect(r.code, r.stderr).toBe(0);
    }
    const requestStatus = async () => {
      await page.fill("#q", alice.address);
      await page.click("#search button");
      await expect.poll(() => page.locator("#result").textContent(), { timeout: 10_000 }).toContain("stra");
      return page.locator("#lrt-requests tbody tr td").nth(2).textContent();
    };
    expect(await requestStatus()).toBe("pending");
    expect(await page.locator("#result-title").textContent()).toContain(alice.address);
    await expect.poll(requestStatus, { timeout: 60_000, interval: 1_000 }).toBe("claimable");

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);

  it("a scrape of /metrics has the documented names, with values that agree with the node's RPC", async () => {
    const c = net.clients[0]!;
    // the scrape's height lies between the node's heights just before and just after it, however
    // many blocks a slow scrape spans (and this status call counts as an RPC request below)
    const h0 = Number((await c.status()).sync_info.latest_block_height);
    const m = await scrape(0);
    const h1 = Number((await c.status()).sync_info.latest_block_height);
    expect(m.get("strata_height")).toBeGreaterThanOrEqual(h0);
    expect(m.get("strata_height")).toBeLessThanOrEqual(h1);
    expect(m.get("strata_peers")).toBe(3);
    expect(m.get("strata_catching_up")).toBe(0);
    expect(m.get("strata_sync_peers_shunned")).toBe(0);
    expect(m.get("strata_mempool_txs")).toBeGreaterThanOrEqual(0);
    expect(m.get("strata_block_interval_seconds_count")).toBeGreaterThan(0);
    expect(m.get("strata_block_txs_count")).toBeGreaterThan(0);
    expect(m.get("strata_block_commit_round_count")).toBeGreaterThan(0);
    expect(m.get("strata_leveldb_write_seconds_count")).toBeGreaterThan(0);
    expect(m.get('strata_gossip_messages_in_total{topic="vote"}')).toBeGreaterThan(0);
    expect(m.get('strata_gossip_messages_out_total{topic="vote"}')).toBeGreaterThan(0);
    expect(m.has('strata_gossip_messages_rejected_total{topic="vote"}')).toBe(true);
    // exported from the first scrape (values: test/unit/node/p2pSyncAnswer.test.ts)
    expect(m.has("strata_sync_requests_refused_total")).toBe(true);
    expect(m.has("strata_sync_answers_abandoned_total")).toBe(true);
    expect(m.get("strata_rpc_unread_closed_total")).toBe(0);
    expect(m.get("strata_rpc_unread_closed_bytes_total")).toBe(0);
    expect(m.get('strata_signature_verifications_total{kind="consensus"}')).toBeGreaterThan(0);
    expect(m.get('strata_rpc_requests_total{method="status",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('strata_rpc_request_duration_seconds_count{method="status"}')).toBeGreaterThanOrEqual(1);
    const y = await c.call<any>("chain_yields");
    expect(m.get("strata_lst_rate")).toBeCloseTo(Number(BigInt(y.lst.rate)) / 1e18, 6);
    expect(m.get("strata_lrt_rate")).toBeCloseTo(Number(BigInt(y.lrt.rate)) / 1e18, 6);
    expect(m.get("strata_bonded_ratio")).toBeGreaterThan(0);
    expect(m.get("strata_bonded_ratio")).toBeLessThan(1);
    expect(m.has('strata_ststra_depeg{pool="pool-ststra"}')).toBe(true);
    expect(m.get("strata_lst_halted")).toBe(0);
    // one series per validator: missed blocks in the window and jailed, labelled by moniker
    const vals = (await c.call<any>("staking_validators")).validators as any[];
    for (const v of vals) {
      expect(m.get(`strata_validator_jailed{moniker="${v.moniker}",operator="${v.operator}"}`)).toBe(v.jailed ? 1 : 0);
      expect(
        m.get(`strata_validator_missed_blocks{moniker="${v.moniker}",operator="${v.operator}"}`),
      ).toBeGreaterThanOrEqual(0);
    }
    // libp2p's own metrics and the process's
    expect([...m.keys()].some((k) => k.startsWith("libp2p_"))).toBe(true);
    expect(m.get("process_resident_memory_bytes")).toBeGreaterThan(0);
    // the metrics port serves nothing else
    expect((await fetch(metricsUrl(0).replace(/metrics$/, "other"))).status).toBe(404);
  }, 30_000);

  it("health fails with NoRecentBlock while the chain is stalled and recovers when it commits again", async () => {
    const c = net.clients[3]!;
    expect(await c.call("health")).toEqual({});
    await net.kill(0);
    await net.kill(1); // 70 % of the power gone: no more commits
    const err = await waitFor(
      "health fails",
      async () => {
        try {
          await c.call("health");
          return undefined;
        } catch (e) {
          return e as Error;
        }
      },
      30_000,
    );
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).data).toMatchObject({ code: 505, name: "NoRecentBlock" });
    expect(err.message).toMatch(/no block committed/);
    // the probe URL a load balancer reads: HTTP 503 with the JSON-RPC error as the body
    const probe = await fetch(`${c.url}/health`);
    expect(probe.status).toBe(503);
    expect(((await probe.json()) as { error: { data: { name: string } } }).error.data.name).toBe("NoRecentBlock");
    net.start(0);
    net.start(1);
    try {
      await waitFor(
        "health recovers",
        async () => {
          try {
            return (await c.call("health")) ? true : undefined;
          } catch {
            return undefined;
          }
        },
        60_000,
      );
    } catch (e) {
      // say why in CI's log: heights, health, and each node's last lines
      const hs = await net.heights();
      const health = await c.call("health").catch((x: Error) => x.message);
      console.log(
        `health never recovered: heights=${JSON.stringify(hs)} health=${JSON.stringify(health)}\n` +
          net.procs
            .map((p, i) => `--- node${i}\n${p?.output.join("").split("\n").slice(-25).join("\n") ?? "(stopped)"}`)
            .join("\n"),
      );
      throw e;
    }
    const ok = await fetch(`${c.url}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ result: {} });
    // a restarted node is not healthy before it is back in step with its peers
    const restarted = net.clients[0]!;
    await net.kill(0);
    net.start(0);
    await waitFor(
      "node0's RPC is up",
      async () => (await fetch(`${restarted.url}/health`).catch(() => undefined)) ?? undefined,
      60_000,
    );
    await waitFor(
      "node0 healthy again",
      async () => ((await fetch(`${restarted.url}/health`)).status === 200 ? true : undefined),
      60_000,
    );
    const m = await scrape(3);
    expect(m.get("strata_height")).toBeGreaterThan(0);
  }, 180_000);
});
