// The real `strata` binary against a real node: keys (encrypted and test backends, export and
// import), tx bank send with an encrypted key, queries in text and JSON, one-line errors with hints.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { STRATA } from "../helpers/proc.ts";
import { useSharedNet } from "../helpers/sharedNet.ts";

function run(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, [STRATA, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, ...env },
    input,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("strata CLI (real binary)", () => {
  const net = useSharedNet();
  let node: string;
  const PASS = { STRATA_PASSPHRASE: "very secret passphrase" };
  /** the devnet's home (its keyring) and node 0, as every command here talks to them */
  const on = () => ["--home", net.dir, "--node", node];

  beforeAll(async () => {
    node = net.clients[0].url;
  });

  it("creates an encrypted key, funds it, and sends with it", () => {
    const add = run(["keys", "add", "carol", "--home", net.dir, "--output", "json"], PASS);
    expect(add.code, add.err).toBe(0);
    const carol = JSON.parse(add.out);
    expect(carol.mnemonic.split(" ")).toHaveLength(24);
    const fund = run(["tx", "bank", "send", carol.address, "5stra", "--from", "alice", ...on()]);
    expect(fund.code, fund.err).toBe(0);
    expect(fund.out).toMatch(/✔ send 5stra/);
    expect(fund.out).toMatch(/height\s+\d+/);
    const noPass = run(["tx", "bank", "send", "bob", "1stra", "--from", "carol", ...on()], {
      STRATA_PASSPHRASE: "",
    });
    expect(noPass.code).toBe(1);
    expect(noPass.err).toMatch(/encrypted/);
    const send = run(
      ["tx", "bank", "send", "bob", "1.5stra", "--from", "carol", ...on(), "--output", "json", "--yes"],
      PASS,
    );
    expect(send.code, send.err).toBe(0);
    expect(JSON.parse(send.out).code).toBe(0);
    const bal = run(["query", "bank", "balances", "carol", ...on(), "--output", "json"]);
    expect(BigInt(JSON.parse(bal.out).balances.stra)).toBeLessThan(35n * 10n ** 17n);
    const text = run(["query", "bank", "balances", "carol", ...on()]);
    expect(text.out).toMatch(/DENOM\s+AMOUNT/);
  }, 60_000);

  it("exports and imports keys as mnemonic and hex", () => {
    const m = run(["keys", "export", "alice", "--home", net.dir]);
    expect(m.out.trim().split(" ")).toHaveLength(24);
    const file = join(net.dir, "m.txt");
    writeFileSync(file, m.out);
    const imp = run([
      "keys",
      "import",
      "alice2",
      file,
      "--home",
      net.dir,
      "--keyring-backend",
      "test",
      "--output",
      "json",
    ]);
    expect(imp.code, imp.err).toBe(0);
    const list = run(["keys", "list", "--home", net.dir, "--output", "json"]);
    const ks = JSON.parse(list.out) as { name: string; address: string }[];
    expect(ks.find((k) => k.name === "alice2")!.address).toBe(ks.find((k) => k.name === "alice")!.address);
    const unconfirmed = run(["keys", "delete", "alice2", "--home", net.dir]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.err).toMatch(/cannot be undone: back it up with `strata keys export alice2`, then pass --yes/);
    expect(run(["keys", "delete", "alice2", "--yes", "--home", net.dir]).code).toBe(0);
    expect(run(["keys", "show", "alice2", "--home", net.dir]).code).toBe(1);
  }, 90_000);

  it("queries status, block, validators, a tx and an account's txs", () => {
    const st = run(["status", "--node", node]);
    expect(st.out).toMatch(/chain\s+strata-devnet/);
    expect(st.out).toMatch(/node id\s+[0-9a-f]{40} \(libp2p 12D3/);
    expect(st.out).toMatch(/consensus pubkey [0-9a-f]{64}/);
    const params = run(["query", "params", "--node", node]);
    expect(params.out).toMatch(/staking\.unbondingTimeMs\s+\d+/);
    expect(params.out).toMatch(/lst\.protocolFee\s+100000000000000000/);
    expect(
      JSON.parse(run(["query", "params", "lrt", "--node", node, "--output", "json"]).out).params.weights[0].strategy,
    ).toBe("avs-oracle");
    expect(run(["query", "params", "nope", "--node", node]).err).toMatch(/no params space "nope"/);
    const b = run(["query", "block", "1", "--node", node]);
    expect(b.out).toMatch(/height\s+1/);
    const v = run(["query", "validators", "--node", node]);
    expect(v.out).toMatch(/ADDRESS\s+POWER\s+PRIORITY/);
    const send = JSON.parse(
      run(["tx", "bank", "send", "bob", "1stra", "--from", "alice", ...on(), "--output", "json"]).out,
    );
    const t = run(["query", "tx", send.hash, "--node", node]);
    expect(t.out).toMatch(/result\s+ok/);
    expect(t.out).toMatch(/event\s+transfer/);
    const sent = run(["query", "txs", "alice", ...on()]);
    expect(sent.out).toContain(send.hash);
    expect(sent.out).toMatch(/ok\s+bank\/send/);
    const received = run(["query", "txs", "bob", "--received", ...on(), "--output", "json"]);
    expect(JSON.parse(received.out).txs.some((x: any) => x.hash === send.hash)).toBe(true);
    expect(run(["query", "txs", "bob", ...on()]).out).toMatch(/no txs match message.sender=/);
  }, 90_000);

  it("validator status reads the home's consensus key; unjail of a live validator is refused by the chain", () => {
    const st = run(["validator", "status", "--home", net.homes[0]!, "--node", node, "--output", "json"]);
    expect(st.code, st.err).toBe(0);
    const s = JSON.parse(st.out);
    expect(s).toMatchObject({ moniker: "node0", status: "bonded", powerShare: 100 });
    expect(s.signing.signedInWindow).toBeGreaterThan(0);
    expect(s.signing.missedInWindow).toBe(0);
    expect(s.node.signState.height).toBeGreaterThan(0);
    const text = run(["validator", "status", "--home", net.homes[0]!, "--node", node]);
    expect(text.out).toMatch(/signing\s+\d+ of the last \d+ blocks signed, 0 missed/);
    const unjail = run(["validator", "unjail", "--home", net.homes[0]!, "--node", node]);
    expect(unjail.code).toBe(1);
    expect(unjail.out + unjail.err).toMatch(/ValidatorNotJailed/);
    // without --node: the home's own RPC (its config's port), not the default 26657
    const own = JSON.parse(run(["validator", "status", "--home", net.homes[0]!, "--output", "json"]).out);
    expect(own.node.url).toBe(node);
    const none = run(["validator", "status", ...on()]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no validator key at .*pass --home <node home> or --operator/);
  }, 30_000);

  it("names validators by moniker, withdraws all rewards in one go, and takes --node as host:port", () => {
    const hostPort = node.replace(/^http:\/\//, "");
    const d = run([
      "tx",
      "staking",
      "delegate",
      "node0",
      "3stra",
      "--from",
      "bob",
      "--home",
      net.dir,
      "--node",
      hostPort,
    ]);
    expect(d.code, d.err).toBe(0);
    expect(d.out).toMatch(/✔ delegate 3stra to node0/);
    const unknown = run(["tx", "staking", "delegate", "nobody", "3stra", "--from", "bob", ...on()]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no validator named "nobody" \(validators: node0\)/);
    const st = run(["tx", "lst", "stake", "10stra", "--from", "bob", ...on()]);
    expect(st.code, st.err).toBe(0);
    expect(st.out).toMatch(/did\s+minted [\d.]+ ststra for 10 stra/);
    // a failure known beforehand is refused locally: nothing sent, nothing charged; --force sends it
    const nonceOf = () => JSON.parse(run(["query", "bank", "balances", "bob", ...on(), "--output", "json"]).out).nonce;
    const n0 = nonceOf();
    const early = run(["tx", "lst", "claim", "99", "--from", "bob", ...on()]);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(
      /not sent: the chain would refuse this tx with UnknownRequest\(902\).*nothing was charged/,
    );
    expect(nonceOf()).toBe(n0);
    const forced = run(["tx", "lst", "claim", "99", "--force", "--from", "bob", ...on()]);
    expect(forced.code).toBe(1);
    expect(forced.out).toMatch(/result\s+failed: UnknownRequest/);
    expect(nonceOf()).not.toBe(n0); // sent, and charged
    const w = run(["tx", "distribution", "withdraw-rewards", "--all", "--from", "bob", ...on(), "--output", "json"]);
    expect(w.code, w.err).toBe(0);
    expect(JSON.parse(w.out).code).toBe(0);
    const neg = run(["tx", "bank", "send", "bob", "-5stra", "--from", "alice", ...on()]);
    expect(neg.code).toBe(1);
    expect(neg.err).toMatch(/"-5stra" is a negative amount/);
    const bad = run(["status", "--node", "ws://127.0.0.1:1"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/http or https, not ws/);
  }, 60_000);

  it("a validator created from a keyring key: status finds its operator by the home's consensus key, unjail signs with the operator's key", () => {
    const vhome = join(net.dir, "v2home");
    expect(run(["init", "--chain-id", "other", "--moniker", "v2", "--home", vhome]).code).toBe(0);
    const op = JSON.parse(
      run(["keys", "add", "opkey", "--keyring-backend", "test", "--home", net.dir, "--output", "json"]).out,
    );
    expect(run(["tx", "bank", "send", op.address, "20stra", "--from", "alice", ...on()]).code).toBe(0);
    const cv = run([
      "tx",
      "staking",
      "create-validator",
      "--pubkey",
      join(vhome, "validator_key.json"),
      "--moniker",
      "v2",
      "--self-stake",
      "10stra",
      "--from",
      "opkey",
      ...on(),
    ]);
    expect(cv.code, cv.err + cv.out).toBe(0);
    const st = JSON.parse(run(["validator", "status", "--home", vhome, "--node", node, "--output", "json"]).out);
    expect(st).toMatchObject({ operator: op.address, moniker: "v2" });
    const noKey = run(["validator", "unjail", "--home", vhome, "--node", node]);
    expect(noKey.code).toBe(1);
    expect(noKey.err).toMatch(new RegExp(`the operator ${op.address} is not the home's consensus key .*pass --from`));
    const secret = run(["keys", "export", "opkey", "--format", "hex", "--home", net.dir]).out.trim();
    const file = join(net.dir, "opkey.txt");
    writeFileSync(file, secret);
    expect(run(["keys", "import", "opkey", file, "--keyring-backend", "test", "--home", vhome]).code).toBe(0);
    const unjail = run(["validator", "unjail", "--home", vhome, "--node", node]);
    expect(unjail.out + unjail.err).toMatch(/ValidatorNotJailed/); // signed by the operator (was: InsufficientFunds from the consensus key)
  }, 90_000);

  it("errors are one clear line plus a hint, exit code 1", () => {
    const down = run(["status", "--node", "http://127.0.0.1:1"]);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^error: cannot reach node/);
    expect(down.err).toMatch(/hint: is the node running/);
    const badAmt = run(["tx", "bank", "send", "bob", "5atom", "--from", "alice", ...on()]);
    expect(badAmt.code).toBe(1);
    expect(badAmt.err).toMatch(/unknown denom "atom"/);
    const broke = run(["tx", "bank", "send", "alice", "999999999stra", "--from", "bob", ...on()]);
    expect(broke.code).toBe(1);
    expect(broke.out + broke.err).toMatch(/InsufficientFunds/);
    expect(broke.out + broke.err).toMatch(/needs 999999999 stra/); // human units, not base units
  }, 30_000);

  it("strata devnet refuses to start next to a running node, before touching its directory", async () => {
    // The test must hold the port itself: when another process had it (the same suite running in
    // a second clone on this machine), the test went on, that process let go, and the devnet
    // started instead of refusing. So it waits until the port is its own.
    let blocker: Server | undefined;
    while (!blocker) {
      const s = createServer();
      const held = await new Promise<boolean>((ok) =>
        s.once("error", () => ok(false)).listen(26656, "127.0.0.1", () => ok(true)),
      );
      if (held) blocker = s;
      else await new Promise((r) => setTimeout(r, 200));
    }
    try {
      const home = join(net.dir, "devnet-busy");
      mkdirSync(home);
      writeFileSync(join(home, "marker"), "kept");
      const r = run(["devnet", "--validators", "1", "--home", home]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/ports in use: 26656 \(node0 p2p\)/);
      expect(existsSync(join(home, "marker"))).toBe(true);
    } finally {
      blocker.close();
    }
  }, 120_000);
});
