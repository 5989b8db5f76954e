import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // integration tests start real processes on fixed loopback ports: one file at a time
    fileParallelism: false,
    // every node started by a test checks the state invariants after each block
    env: { STRATA_CHECK_INVARIANTS: "1" },
  },
});
