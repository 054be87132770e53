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
  },
});
