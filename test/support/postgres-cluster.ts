// A throwaway PostgreSQL for the tests (issue 16): initdb in a fresh temp folder, listening on a
// Unix socket in that folder only, with durability off, stopped and removed when the run ends.
// test/setup/postgres.ts starts it once per `vitest run`; test/support/postgres.ts hands each test
// file its own database in it.
import { execFile, spawn } from "node:child_process";
import { accessSync, appendFileSync, chownSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";
import { redactUrl } from "../../controller/store/open-postgres.js";

/** What the tests are given: a server's URL (its `postgres` database, a superuser), or why there is none. */
export type TestPostgres = { url: string } | { missing: string };

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
}

/** A started cluster; stop() ends it and removes its folder. */
export interface TestCluster {
  url: string;
  stop(): Promise<void>;
}

const install = "install it: apt-get install postgresql";

/**
 * initdb and pg_ctl from one folder: the first on PATH that has both, else Debian's
 * /usr/lib/postgresql/<version>/bin, the highest version first.
 */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env, versionsRoot = "/usr/lib/postgresql"): PostgresBinaries | { missing: string } {
  const dirs = [...(env.PATH ?? "").split(delimiter).filter(Boolean), ...versionDirs(versionsRoot)];
  for (const dir of dirs) {
    const initdb = join(dir, "initdb");
    const pgCtl = join(dir, "pg_ctl");
    if (executable(initdb) && executable(pgCtl)) return { initdb, pgCtl };
  }
  return { missing: `no PostgreSQL server: initdb and pg_ctl are neither on PATH nor in ${versionsRoot}/*/bin (${install})` };
}

function versionDirs(root: string): string[] {
  let versions: string[];
  try {
    versions = readdirSync(root).filter((name) => /^\d+(\.\d+)?$/.test(name));
  } catch {
    return [];
  }
  return versions.sort((a, b) => Number(b) - Number(a)).map((version) => join(root, version, "bin"));
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What the tests get: NEXAAS_TEST_POSTGRES_URL when an operator names a server of theirs (it must
 * answer, and let its user create databases), else a throwaway cluster. Never throws: whatever
 * stops PostgreSQL from being had becomes the reason the tests that need it skip.
 */
export async function testPostgres(env: NodeJS.ProcessEnv = process.env): Promise<{ postgres: TestPostgres; stop(): Promise<void> }> {
  const none = async (): Promise<void> => {};
  const given = env.NEXAAS_TEST_POSTGRES_URL;
  if (given) {
    const problem = await unanswered(given);
    return { postgres: problem ? { missing: `NEXAAS_TEST_POSTGRES_URL (${redactUrl(given)}) does not answer: ${problem}` } : { url: given }, stop: none };
  }
  const binaries = findPostgresBinaries(env);
  if ("missing" in binaries) return { postgres: binaries, stop: none };
  try {
    const cluster = await startTestCluster(binaries);
    return { postgres: { url: cluster.url }, stop: () => cluster.stop() };
  } catch (error) {
    return { postgres: { missing: error instanceof Error ? error.message : String(error) }, stop: none };
  }
}

/** Why `url` cannot be used, or undefined when it answers SELECT 1. */
async function unanswered(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}


/**
 * initdb, then pg_ctl start, in a new temp folder. PostgreSQL refuses to run as root: as root,
 * both run as the `postgres` user (Debian's package makes it), else as `nobody`, and the folder is
 * theirs. A watchdog ends the server and removes the folder if this process dies without stop().
 */
export async function startTestCluster(binaries: PostgresBinaries): Promise<TestCluster> {
  const user = serverUser();
  const dir = mkdtempSync(join(socketParent(), "nexaas-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const run = (file: string, args: string[]): Promise<void> => runAs(user, dir, file, args);
  let postmaster: number;
  try {
    await run(binaries.initdb, ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "--no-locale", "-E", "UTF8"]);
    appendFileSync(join(data, "postgresql.conf"), settings(dir));
    await run(binaries.pgCtl, ["-D", data, "-l", log, "-w", "-t", "60", "start"]).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nserver log:\n${tail(log)}`);
    });
    postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a throwaway PostgreSQL${user ? ` as ${user.name}` : ""}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const watchdog = startWatchdog(postmaster, dir);
  const url = `postgresql:///postgres?host=${encodeURIComponent(dir)}&port=5432&user=postgres`;
  return {
    url,
    async stop() {
      watchdog.kill();
      // Immediate: nothing in a throwaway cluster is worth a checkpoint.
      await run(binaries.pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => signal(postmaster, "SIGQUIT"));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Speed over durability (the cluster lives for one run), the socket alone, and room for every fork's pools. */
function settings(dir: string): string {
  return [
    "",
    "# nexaas tests",
    "listen_addresses = ''",
    `unix_socket_directories = '${dir.replaceAll("'", "''")}'`,
    "port = 5432",
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    "max_connections = 200",
    "",
  ].join("\n");
}

interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/** Who runs the server: undefined for this process's own user, unless that is root. */
function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n");
  for (const name of ["postgres", "nobody"]) {
    const fields = passwd.find((line) => line.startsWith(`${name}:`))?.split(":");
    if (fields && fields.length > 3) return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error("PostgreSQL refuses to run as root, and there is neither a postgres nor a nobody user to run it as");
}

/** A Unix socket path holds at most 107 bytes: a long TMPDIR gives way to /tmp. */
function socketParent(): string {
  return join(tmpdir(), "nexaas-pg-XXXXXX", ".s.PGSQL.5432").length <= 100 ? tmpdir() : "/tmp";
}

/** Runs `file` as `user` (node drops to its uid and gid, and to no supplementary groups). */
function runAs(user: ServerUser | undefined, cwd: string, file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C" };
    execFile(file, args, { cwd, env, timeout: 90_000, ...(user ? { uid: user.uid, gid: user.gid } : {}) }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

/**
 * A detached shell that waits for this process to end, then ends the server (SIGQUIT is
 * pg_ctl's immediate stop) and removes its folder: a run killed before its teardown (SIGKILL, a
 * crash) leaves no server behind for more than a second or so. Detached, so a Ctrl-C that reaches
 * the whole process group leaves it to do its work. stop() kills it first.
 */
function startWatchdog(postmaster: number, dir: string): { kill(): void } {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
    'kill -QUIT "$2" 2>/dev/null',
    'for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$2" 2>/dev/null || break; sleep 1; done',
    'rm -rf "$3"',
  ].join("\n");
  const child = spawn("/bin/sh", ["-c", script, "nexaas-pg-watchdog", String(process.pid), String(postmaster), dir], { detached: true, stdio: "ignore" });
  child.unref();
  return { kill: () => void child.kill() };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").trim().split("\n").slice(-10).join("\n");
  } catch {
    return "(none)";
  }
}
