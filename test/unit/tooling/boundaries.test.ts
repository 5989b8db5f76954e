// The folder boundaries of DESIGN.md "Layout" are enforced by the real Biome binary with the real
// biome.jsonc: each case writes one import into a probe file at a path of a scratch copy of the
// tree (nothing is left in the repo), lints it as `npm test` does, and checks which imports fail
// and under which rule. Removing or loosening a rule in biome.jsonc fails this file.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const BIOME = join(ROOT, "node_modules", ".bin", "biome");

const RESTRICTED = "lint/style/noRestrictedImports";
const NODE_BUILTIN = "lint/correctness/noNodejsModules";

/** `file` imports `source`: refused by `rule` (with a message containing `says`), or allowed (`rule` absent). */
type Case = { file: string; source: string; rule?: string; says?: string };

const cases: Case[] = [
  // state/: pure and deterministic
  { file: "state/probe.ts", source: "../node/config.ts", rule: RESTRICTED, says: "state/ imports nothing from node/" },
  { file: "state/probe.ts", source: "#node/config.ts", rule: RESTRICTED, says: "state/ imports nothing from node/" },
  {
    file: "state/probe.ts",
    source: "../consensus/core.ts",
    rule: RESTRICTED,
    says: "state/ imports nothing from consensus/",
  },
  { file: "state/probe.ts", source: "../rpc/server.ts", rule: RESTRICTED, says: "state/ imports nothing from rpc/" },
  { file: "state/probe.ts", source: "../cli/strata.ts", rule: RESTRICTED, says: "state/ imports nothing from cli/" },
  { file: "state/probe.ts", source: "level", rule: RESTRICTED },
  { file: "state/probe.ts", source: "fastify", rule: RESTRICTED },
  { file: "state/probe.ts", source: "libp2p", rule: RESTRICTED },
  { file: "state/probe.ts", source: "@libp2p/tcp", rule: RESTRICTED },
  { file: "state/probe.ts", source: "node:fs", rule: NODE_BUILTIN },
  { file: "state/probe.ts", source: "node:crypto", rule: NODE_BUILTIN },
  { file: "state/probe.ts", source: "./store/types.ts" },
  { file: "state/probe.ts", source: "@chainsafe/ssz" },
  {
    file: "state/modules/bank/probe.ts",
    source: "../../../node/config.ts",
    rule: RESTRICTED,
    says: "state/ imports nothing from node/",
  },
  { file: "state/modules/bank/probe.ts", source: "../../../consensus/vote.ts", rule: RESTRICTED },
  { file: "state/modules/bank/probe.ts", source: "node:net", rule: NODE_BUILTIN },
  // modules: another module's state only through its keeper, never its store
  {
    file: "state/modules/lrt/probe.ts",
    source: "../strategy/store.ts",
    rule: RESTRICTED,
    says: "only through that module's keeper.ts",
  },
  {
    file: "state/modules/lrt/msgs/probe.ts",
    source: "../../staking/store.ts",
    rule: RESTRICTED,
    says: "only through that module's keeper.ts",
  },
  { file: "state/modules/lrt/probe.ts", source: "../strategy/keeper.ts" },
  { file: "state/modules/lrt/msgs/probe.ts", source: "../store.ts" },
  { file: "state/modules/lrt/probe.ts", source: "./store.ts" },
  // state/crypto/: the hot verify path may use node:crypto, and nothing else of Node's I/O
  { file: "state/crypto/probe.ts", source: "node:crypto" },
  { file: "state/crypto/probe.ts", source: "node:fs", rule: RESTRICTED },
  { file: "state/crypto/probe.ts", source: "node:fs/promises", rule: RESTRICTED },
  { file: "state/crypto/probe.ts", source: "../../node/config.ts", rule: RESTRICTED },
  // no allowlist left (issue 18): slashing receives verified misbehaviour, consensus/ checks the evidence
  {
    file: "state/modules/slashing/probe.ts",
    source: "../../../consensus/vote.ts",
    rule: RESTRICTED,
    says: "state/ imports nothing from consensus/",
  },
  {
    file: "state/modules/slashing/probe.ts",
    source: "../../../consensus/evidence/verifyEvidence.ts",
    rule: RESTRICTED,
  },
  { file: "state/modules/slashing/probe.ts", source: "#consensus/vote.ts", rule: RESTRICTED },
  // consensus/: the state machine of Tendermint, driven by node/
  {
    file: "consensus/probe.ts",
    source: "../node/config.ts",
    rule: RESTRICTED,
    says: "consensus/ imports nothing from node/",
  },
  { file: "consensus/probe.ts", source: "../rpc/server.ts", rule: RESTRICTED },
  { file: "consensus/probe.ts", source: "../cli/strata.ts", rule: RESTRICTED },
  { file: "consensus/probe.ts", source: "fastify", rule: RESTRICTED },
  { file: "consensus/probe.ts", source: "level", rule: RESTRICTED },
  { file: "consensus/probe.ts", source: "libp2p", rule: RESTRICTED },
  { file: "consensus/probe.ts", source: "@chainsafe/libp2p-gossipsub", rule: RESTRICTED },
  { file: "consensus/probe.ts", source: "node:fs", rule: NODE_BUILTIN },
  { file: "consensus/probe.ts", source: "../state/encoding/types.ts" },
  // client/: no node internals
  {
    file: "client/probe.ts",
    source: "../node/config.ts",
    rule: RESTRICTED,
    says: "client/ imports nothing from node/",
  },
  { file: "client/probe.ts", source: "#node/config.ts", rule: RESTRICTED, says: "client/ imports nothing from node/" },
  { file: "client/probe.ts", source: "../rpc/server.ts", rule: RESTRICTED },
  { file: "client/probe.ts", source: "level", rule: RESTRICTED },
  { file: "client/probe.ts", source: "../state/crypto/address.ts" },
  { file: "client/probe.ts", source: "node:fs" },
  // node/ and rpc/
  { file: "node/probe.ts", source: "../rpc/server.ts", rule: RESTRICTED, says: "node/ imports nothing from rpc/" },
  { file: "node/probe.ts", source: "../state/app.ts" },
  { file: "node/metrics.ts", source: "../rpc/jsonrpc.ts", rule: RESTRICTED, says: "node/ imports nothing from rpc/" }, // no allowlist left
  { file: "node/probe.ts", source: "../cli/strata.ts", rule: RESTRICTED },
  // the composition root (cli/runNode.ts) wires node/ and rpc/
  { file: "cli/probe.ts", source: "../rpc/server.ts" },
  { file: "rpc/probe.ts", source: "../cli/strata.ts", rule: RESTRICTED },
  // the rules are per folder: tests may import anything
  { file: "test/probe.ts", source: "../node/config.ts" },
];

type Diagnostic = { category: string; message: string; location: { path: string; start: { line: number } } };

describe("folder import boundaries (biome.jsonc, run by npm test)", () => {
  let dir: string;
  let status: number | null;
  let diagnostics: Diagnostic[];
  /** Line of case i in its probe file (1-based): cases are written in order, one import a line. */
  const lineOf = new Map<Case, number>();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "strata-boundaries-"));
    copyFileSync(join(ROOT, "biome.jsonc"), join(dir, "biome.jsonc"));
    const files = new Map<string, string[]>();
    cases.forEach((c, i) => {
      const lines = files.get(c.file) ?? [];
      lines.push(`import { x${i} } from "${c.source}";`);
      lineOf.set(c, lines.length);
      files.set(c.file, lines);
    });
    for (const [file, lines] of files) {
      const names = lines.map((l) => /x\d+/.exec(l)![0]);
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), `${lines.join("\n")}\nexport { ${names.join(", ")} };\n`);
    }
    const r = spawnSync(BIOME, ["lint", "--reporter=json", "--max-diagnostics=none", "."], {
      cwd: dir,
      encoding: "utf8",
    });
    status = r.status;
    diagnostics = (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("fails the lint (and so npm test) when any forbidden import is present", () => {
    expect(status).toBe(1);
  });

  it.each(cases)("$file importing $source → $rule", (c) => {
    const here = diagnostics.filter((d) => d.location.path === c.file && d.location.start.line === lineOf.get(c));
    if (!c.rule) {
      expect(here).toEqual([]);
      return;
    }
    expect(here.map((d) => d.category)).toContain(c.rule);
    if (c.says) expect(here.map((d) => d.message).join("\n")).toContain(c.says);
  });

  it("reports nothing but boundary violations (the probes would pass every other rule)", () => {
    expect(diagnostics.filter((d) => d.category !== RESTRICTED && d.category !== NODE_BUILTIN)).toEqual([]);
  });
});
