// Network partitions (issue 15; CometBFT e2e's "disconnect"): four validators (40/30/20/10 %),
// each in its own network namespace on 10.77.<s>.0/24, linked through a hub namespace with two
// bridges (nodes 0,1 on one, 2,3 on the other) joined by a trunk link. A partition is a link set
// down: one node's link (1|3) or the trunk (2|2). Only namespaces this test creates, only 10.x
// addresses inside them; nothing is added to the host's network. Runs as root with `ip`, under
// `npm run e2e` (STRATA_E2E=1); skipped otherwise.
// Catalogue:
// - node3 (10 %) cut off: the other 90 % keep committing; healed, node3 catches up;
// - node0 (40 %) cut off: nobody has +2/3, every node halts; healed, all commit again;
// - 2|2 (70 % | 30 %): the 70 % side commits, the 30 % side halts; healed, it catches up;
// - at the end every node holds the same block at every height it has, and no node saw
//   equivocation.
// Heights and block ids are read from the nodes' BLOCK log lines: their RPC is on the loopback of
// their own namespace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDevnet } from "#cli/devnet.ts";
import { homePaths } from "#node/config.ts";
import { fastConsensus } from "../helpers/devnet.ts";
import { STRATA, waitFor } from "../helpers/proc.ts";

function canNetns(): boolean {
  if (process.env.STRATA_E2E !== "1" || process.getuid?.() !== 0) return false;
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

type Node = { ns: string; addr: string; proc?: ChildProcess; log: string[]; blocks: Map<number, string> };

describe.skipIf(!canNetns())("network partitions in namespaces", () => {
  const tag = `st${process.pid % 100000}`;
  const subnet = 10 + (process.pid % 200);
  const hub = `${tag}hub`;
  const dir = mkdtempSync(join(tmpdir(), "strata-netns-"));
  const nodes: Node[] = [0, 1, 2, 3].map((i) => ({
    ns: `${tag}n${i}`,
    addr: `10.77.${subnet}.${i + 1}`,
    log: [],
    blocks: new Map(),
  }));
  let homes: string[] = [];

  const height = (n: Node) => Math.max(0, ...n.blocks.keys());
  const heights = () => nodes.map(height);
  const start = (i: number) => {
    const n = nodes[i]!;
    const p = spawn("ip", ["netns", "exec", n.ns, process.execPath, STRATA, "start", "--home", homes[i]!], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const onData = (d: Buffer) => {
      const s = String(d);
      n.log.push(s);
      for (const m of s.matchAll(/BLOCK .*?height=(\d+).*?hash=([0-9A-F]+)/g)) n.blocks.set(Number(m[1]), m[2]!);
    };
    p.stdout!.on("data", onData);
    p.stderr!.on("data", onData);
    n.proc = p;
  };
  const atLeast = (which: number[], h: number, ms = 90_000) =>
    waitFor(
      `nodes ${which.join(",")} at height ${h} (heights ${heights().join(",")})`,
      async () => (which.every((i) => height(nodes[i]!) >= h) ? true : undefined),
      ms,
    );
  /**
   * Observes for `ms` that no new block appears anywhere (the length of the window, not a wait
   * for a condition). A node still a block behind may fetch one the others already had, and a
   * block being committed as the partition began may land: at most one above the top before.
   */
  const halted = async (ms: number) => {
    const top = Math.max(...heights());
    await sleep(ms);
    expect(Math.max(...heights()), `heights ${heights().join(",")}, top before ${top}`).toBeLessThanOrEqual(top + 1);
  };
  /** Cuts `name` for the duration of `f`; healed whatever happens, so a failure does not cascade. */
  const cut = async (name: string, f: () => Promise<void>) => {
    link(name, false);
    try {
      await f();
    } finally {
      link(name, true);
    }
  };
  const link = (name: string, up: boolean) => ip("-n", hub, "link", "set", name, up ? "up" : "down");

  beforeAll(async () => {
    ip("netns", "add", hub);
    ip("-n", hub, "link", "add", "bra", "type", "bridge");
    ip("-n", hub, "link", "add", "brb", "type", "bridge");
    ip("-n", hub, "link", "add", "trunka", "type", "veth", "peer", "name", "trunkb");
    ip("-n", hub, "link", "set", "trunka", "master", "bra");
    ip("-n", hub, "link", "set", "trunkb", "master", "brb");
    for (const l of ["bra", "brb", "trunka", "trunkb"]) link(l, true);
    nodes.forEach((n, i) => {
      ip("netns", "add", n.ns);
      ip("-n", n.ns, "link", "set", "lo", "up");
      ip("-n", hub, "link", "add", `h${i}`, "type", "veth", "peer", "name", "eth0", "netns", n.ns);
      ip("-n", hub, "link", "set", `h${i}`, "master", i < 2 ? "bra" : "brb");
      link(`h${i}`, true);
      ip("-n", n.ns, "addr", "add", `${n.addr}/24`, "dev", "eth0");
      ip("-n", n.ns, "link", "set", "eth0", "up");
    });
    ({ homes } = await createDevnet(dir, 4));
    homes.forEach((h, i) => {
      fastConsensus(h);
      const p = homePaths(h).config;
      const cfg = JSON.parse(readFileSync(p, "utf8"));
      cfg.p2p.host = nodes[i]!.addr;
      // peers by their namespace address: /ip4/127.0.0.1/tcp/<port of node j>/p2p/<id>
      cfg.p2p.bootstrap = (cfg.p2p.bootstrap as string[]).map((a) => {
        const port = Number(/tcp\/(\d+)/.exec(a)![1]);
        const j = homes.findIndex((hh) => JSON.parse(readFileSync(homePaths(hh).config, "utf8")).p2p.port === port);
        return a.replace("/ip4/127.0.0.1/", `/ip4/${nodes[j]!.addr}/`);
      });
      writeFileSync(p, JSON.stringify(cfg, null, 2));
    });
    for (let i = 0; i < 4; i++) start(i);
    await atLeast([0, 1, 2, 3], 3);
  }, 120_000);

  afterAll(async () => {
    for (const n of nodes) n.proc?.kill("SIGKILL");
    await sleep(200);
    for (const ns of [...nodes.map((n) => n.ns), hub]) {
      try {
        ip("netns", "del", ns);
      } catch {
        /* not created */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("1|3 with the 10 % node cut off: the others go on, it catches up when healed", async () => {
    await cut("h3", async () => {
      const h = Math.max(...heights());
      await atLeast([0, 1, 2], h + 5);
      expect(height(nodes[3]!)).toBeLessThanOrEqual(h + 1);
    });
    await atLeast([0, 1, 2, 3], Math.max(...heights()) + 2);
  }, 180_000);

  it("1|3 with the 40 % node cut off: everyone halts (no +2/3 anywhere); healed, all commit again", async () => {
    await cut("h0", () => halted(6000));
    await atLeast([0, 1, 2, 3], Math.max(...heights()) + 3);
  }, 180_000);

  it("2|2 (70 % | 30 %): the larger side commits, the smaller halts; healed, it catches up", async () => {
    await cut("trunka", async () => {
      const h = Math.max(...heights());
      await atLeast([0, 1], h + 5);
      expect(Math.max(height(nodes[2]!), height(nodes[3]!))).toBeLessThanOrEqual(h + 1);
    });
    await atLeast([0, 1, 2, 3], Math.max(...heights()) + 2);
  }, 180_000);

  it("one chain: the same block at every height on every node, and no equivocation seen", () => {
    const top = Math.min(...heights());
    for (let hh = 1; hh <= top; hh++) {
      const ids = new Set(nodes.map((n) => n.blocks.get(hh)).filter((x) => x !== undefined));
      expect(ids.size, `height ${hh}`).toBeLessThanOrEqual(1);
    }
    for (const n of nodes) expect(n.log.join("")).not.toContain("equivocation observed");
    console.log("partition heights", heights().join(","));
  });
});
