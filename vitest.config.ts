import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup/no-network.ts"],
    // A throwaway PostgreSQL for the run (or NEXAAS_TEST_POSTGRES_URL's), stopped when it ends.
    globalSetup: ["test/setup/postgres.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // vitest's default for `run` is one worker less than the cores: one worker on a 2-core CI
    // machine, which then idles a third of the time while tests wait on the processes, servers
    // and timers they start. One fork per core. Files stay isolated (a fork each): helpers
    // register afterEach cleanups at import, and the source tests count the process's handles.
    maxWorkers: availableParallelism(),
  },
});
