// PostgreSQL for the benches (issue 16): NEXAAS_BENCH_POSTGRES_URL names a server, else the tests'
// throwaway cluster (test/support/postgres-cluster.ts, bundled here with esbuild: one starter, not two).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import pg from "pg";
import { repoRoot } from "./lib.mjs";

/**
 * `{ url, stop, database(), cpuMs() }`: database() makes a fresh empty database and returns its URL;
 * cpuMs() the CPU time (user + system, ms) the server's processes have used so far, or undefined when
 * the server is not a process of this machine that /proc shows.
 */
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
  let postmaster;
  return {
    url,
    stop,
    async cpuMs() {
      postmaster ??= await postmasterPid(url);
      return postmaster === undefined ? undefined : processTreeCpuMs(postmaster);
    },
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

/** The server's postmaster, from postmaster.pid in its data directory (readable when it runs as us). */
async function postmasterPid(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SHOW data_directory");
    return Number(readFileSync(join(rows[0].data_directory, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

// /proc/PID/stat's times are in clock ticks: 100 a second on Linux (getconf CLK_TCK).
const tickMs = 10;

/** `[ppid, utime + stime, cutime + cstime]` of a process, in ticks; undefined once it is gone. */
function stat(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // After "pid (comm) ": state, ppid, ... utime is field 14 of the whole line, so 11 here.
    return [Number(fields[1]), Number(fields[11]) + Number(fields[12]), Number(fields[13]) + Number(fields[14])];
  } catch {
    return undefined;
  }
}

/** The postmaster's CPU, its ended children's (which it waited for) and its live children's. */
function processTreeCpuMs(postmaster) {
  const own = stat(postmaster);
  if (!own) return undefined;
  let ticks = own[1] + own[2];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const child = stat(entry);
    if (child && child[0] === postmaster) ticks += child[1];
  }
  return ticks * tickMs;
}
