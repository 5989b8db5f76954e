import { defineConfig } from "vitest/config";
import SharedNetFirst from "./test/helpers/sharedNetFirst.ts";

// Two projects, run one after the other (groupOrder): first the unit tests, in parallel on every
// core; then the integration tests, one file at a time, since each starts real processes on
// loopback ports and measures progress in blocks, which a CPU shared with other test files slows.
// `vitest run <file>` still runs a single file, in whichever project holds it.
// Integration files that only need a running node share one (test/helpers/netBroker.ts, the
// project's global setup) and run first (SharedNetFirst), so that node starts once.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // every node (and MemChain) started by a test checks the state invariants after each block
    env: { STRATA_CHECK_INVARIANTS: "1" },
    sequence: { sequencer: SharedNetFirst },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], maxWorkers: "100%", sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          fileParallelism: false,
          globalSetup: ["test/helpers/netBroker.ts"],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
