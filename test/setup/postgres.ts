// vitest globalSetup (issue 16): one PostgreSQL for the whole run, so that plain `npm test` has one
// too, not only .ci/run. Its URL, or why there is none, reaches the tests through inject("postgres");
// test/support/postgres.ts gives each test file its own database in it.
import type { TestProject } from "vitest/node";
import { type TestPostgres, testPostgres } from "../support/postgres-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgres: TestPostgres;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { postgres, stop } = await testPostgres();
  project.provide("postgres", postgres);
  if ("missing" in postgres) console.warn(`PostgreSQL: the tests that need it skip: ${postgres.missing}`);
  return stop;
}
