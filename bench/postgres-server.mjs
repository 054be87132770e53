// PostgreSQL for the benches (issue 16): NEXAAS_BENCH_POSTGRES_URL names a server, else the tests'
// throwaway cluster (test/support/postgres-cluster.ts, bundled here with esbuild: one starter, not two).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import pg from "pg";
import { repoRoot } from "./lib.mjs";

/** `{ url, stop, database() }`: database() makes a fresh empty database and returns its URL. */
export async function benchPostgres() {
  let url = process.env.NEXAAS_BENCH_POSTGRES_URL;
  let stop = async () => {};
  if (!url) {
    // Inside node_modules, so the bundle's own imports (pg) resolve.
    const outfile = join(repoRoot, "node_modules", ".cache", "nexaas-bench", "postgres-cluster.mjs");
    await build({ entryPoints: [join(repoRoot, "test/support/postgres-cluster.ts")], bundle: true, platform: "node", format: "esm", outfile, packages: "external", logLevel: "error" });
    const { testPostgres } = await import(pathToFileURL(outfile).href);
    const started = await testPostgres({ ...process.env, NEXAAS_TEST_POSTGRES_URL: "" });
    if ("missing" in started.postgres) throw new Error(`bench: no PostgreSQL: ${started.postgres.missing}`);
    url = started.postgres.url;
    stop = started.stop;
  }
  let made = 0;
  return {
    url,
    stop,
    async database() {
      const name = `nexaas_bench_${process.pid}_${++made}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
      await admin.end();
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
  };
}
