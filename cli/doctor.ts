import { execFileSync } from "node:child_process";
import Sqlite from "better-sqlite3";
import { accessSync, constants, existsSync } from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import { defineCommand } from "./support/command.js";
import { loadEnvFile } from "./support/load-env-file.js";

type Verdict = "ok" | "warn" | "fail";

interface Check {
  name: string;
  status: Verdict;
  message: string;
  /** What to do about a warn or a fail. */
  fix?: string;
}

const minimumNode = [20, 19, 0] as const;

export const command = defineCommand({
  summary: "check Node, git, database, workspace, keys and port; what to fix",
  help: `Usage: nexaas doctor [--workspace DIR] [--db PATH] [--port N] [--json]

Checks what \`nexaas start\` needs, each as ok, warn or fail with what to fix:
Node's version and git; the database (it opens, its migrations are current,
PRAGMA integrity_check passes) and the owner of its lock, or with DATABASE_URL
the PostgreSQL server (it answers, migrations current) and its leader; that the workspace
validates; that every \${NAME} it references is set (the environment, then
.env); that the status API's port is free; that API_KEY is set and strong
(at least 32 characters, about 128 bits); that ANTHROPIC_API_KEY is set when
the workspace calls a model; and that every MCP server command is on PATH.

Exit codes: 0 no failure (warnings allowed), 1 a check failed, 2 usage error.`,
  options: { port: { type: "string", short: "p" } },
  async run(ctx) {
    const env: NodeJS.ProcessEnv = { ...ctx.env };
    loadEnvFile(ctx.common.workspace, env);
    const checks: Check[] = [nodeCheck(), gitCheck(ctx.common.workspace)];
    // As start reads it (commonFlags): --db postgres://…, else DATABASE_URL from the environment or .env; --db PATH wins.
    const databaseUrl = ctx.common.databaseUrl;
    const database = databaseUrl !== undefined ? await postgresChecks(databaseUrl) : await databaseChecks(ctx.common.db);
    checks.push(...database.checks);
    const workspace = await workspaceChecks(ctx.common.workspace, env);
    checks.push(...workspace);
    checks.push(apiKeyCheck(env.API_KEY));
    checks.push(await portCheck(ctx.values.port ?? env.PORT ?? "8400", env.HOST ?? "127.0.0.1", database.liveOwner));
    const failed = checks.some((c) => c.status === "fail");
    if (ctx.common.json) {
      ctx.stdout(JSON.stringify({ ok: !failed, checks }, null, 2) + "\n");
    } else {
      const width = Math.max(...checks.map((c) => c.name.length));
      for (const c of checks) {
        ctx.stdout(`${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.message}\n`);
        if (c.fix && c.status !== "ok") ctx.stdout(`${" ".repeat(width + 8)}fix: ${c.fix}\n`);
      }
      const counts = (v: Verdict) => checks.filter((c) => c.status === v).length;
      ctx.stdout(`\n${counts("ok")} ok, ${counts("warn")} warnings, ${counts("fail")} failed\n`);
    }
    return failed ? 1 : 0;
  },
});

function nodeCheck(): Check {
  const have = process.versions.node.split(".").map(Number);
  const [a = 0, b = 0, c = 0] = have;
  const [x, y, z] = minimumNode;
  const ok = a !== x ? a > x : b !== y ? b > y : c >= z;
  const tested = a === 20 ? "" : " (nexaas is tested on Node 20)";
  return ok
    ? { name: "node", status: "ok", message: `Node ${process.versions.node}${tested}` }
    : { name: "node", status: "fail", message: `Node ${process.versions.node} is older than ${minimumNode.join(".")}`, fix: `install Node ${minimumNode.join(".")} or newer` };
}

function gitCheck(workspace: string): Check {
  let version: string;
  try {
    version = execFileSync("git", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return { name: "git", status: "fail", message: "git is not installed or not on PATH", fix: "install git: the controller reads the workspace from it" };
  }
  const inRepo = (...args: string[]): boolean => {
    try {
      execFileSync("git", args, { cwd: workspace, stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  if (!existsSync(workspace) || !inRepo("rev-parse", "--is-inside-work-tree")) {
    return { name: "git", status: "fail", message: `${version}; ${workspace} is not in a git repository`, fix: "run `git init` there (nexaas init does it)" };
  }
  if (!inRepo("rev-parse", "--verify", "--quiet", "HEAD")) {
    return { name: "git", status: "warn", message: `${version}; the repository has no commit yet`, fix: 'commit the workspace: the controller runs what is committed (git add -A && git commit -m "Initial workspace")' };
  }
  return { name: "git", status: "ok", message: version };
}

async function databaseChecks(path: string): Promise<{ checks: Check[]; liveOwner: boolean }> {
  if (!existsSync(path)) {
    return { checks: [{ name: "database", status: "ok", message: `none yet at ${path}: \`nexaas start\` or \`nexaas apply\` creates it` }], liveOwner: false };
  }
  const { databaseMigration, hasMigrationsTable, latestMigration } = await import("../controller/store/database-migration.js");
  let db;
  try {
    db = new Sqlite(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { checks: [{ name: "database", status: "fail", message: `${path} does not open: ${String(error)}`, fix: "check the file's permissions, or restore it from a backup" }], liveOwner: false };
  }
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") {
      return { checks: [{ name: "database", status: "fail", message: `${path} fails PRAGMA integrity_check: ${String(integrity)}`, fix: "restore the database from a backup" }], liveOwner: false };
    }
    if (!hasMigrationsTable(db)) {
      return { checks: [{ name: "database", status: "fail", message: `${path} is not a Nexaas database`, fix: "pass --db (or DATABASE_PATH) with the controller's database" }], liveOwner: false };
    }
    const have = databaseMigration(db);
    const want = latestMigration();
    const checks: Check[] = [];
    if (have > want) checks.push({ name: "database", status: "fail", message: `${path} is at migration ${have}, newer than this nexaas knows (${want})`, fix: "upgrade nexaas to the version that wrote it" });
    else if (have < want) checks.push({ name: "database", status: "warn", message: `${path} is at migration ${have} of ${want}`, fix: "the next `nexaas start` or `apply` migrates it (back it up first: nexaas backup FILE)" });
    else checks.push({ name: "database", status: "ok", message: `${path}: opens, migrations current (${have}), integrity ok` });
    const lock = db.prepare("SELECT owner, pid, host, heartbeat_at FROM controller_lock WHERE id = 1").get() as { owner: string; pid: number; host: string; heartbeat_at: string } | undefined;
    let liveOwner = false;
    if (!lock) checks.push({ name: "lock", status: "ok", message: "no controller owns the database" });
    else if (lock.host === hostname()) {
      const { processAlive } = await import("../controller/store/controller-lock.js");
      liveOwner = processAlive(lock.pid);
      checks.push(
        liveOwner
          ? { name: "lock", status: "warn", message: `owned by a running controller: pid ${lock.pid} on this host, last seen ${lock.heartbeat_at}`, fix: `a second start refuses; stop pid ${lock.pid} first, or start with --standby` }
          : { name: "lock", status: "ok", message: `left by pid ${lock.pid}, which is gone: the next start takes over at once` },
      );
    } else {
      liveOwner = true;
      checks.push({ name: "lock", status: "warn", message: `owned by pid ${lock.pid} on ${lock.host}, last seen ${lock.heartbeat_at}`, fix: "a second start refuses until that controller stops or its lease ends" });
    }
    return { checks, liveOwner };
  } finally {
    db.close();
  }
}

/**
 * DATABASE_URL's server (issue 16), read only: it answers, its migrations are
 * current, and who leads. Several controllers share it, so a leader is no
 * reason for a start to refuse (liveOwner stays false: the port is this host's).
 */
async function postgresChecks(url: string): Promise<{ checks: Check[]; liveOwner: boolean }> {
  const { isPostgresUrl, redactUrl } = await import("../controller/store/open-postgres.js");
  const where = redactUrl(url);
  if (!isPostgresUrl(url)) return { checks: [{ name: "database", status: "fail", message: `DATABASE_URL=${where} is not a postgres:// URL`, fix: "set DATABASE_URL=postgres://user:password@host/db, or unset it to use the SQLite file" }], liveOwner: false };
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: "nexaas doctor" });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    return { checks: [{ name: "database", status: "fail", message: `${where} cannot be reached: ${error instanceof Error ? error.message : String(error)}`, fix: "check the server runs, the host, port, user and password, and pg_hba.conf" }], liveOwner: false };
  }
  try {
    const { postgresMigrations } = await import("../controller/store/postgres/migrate-postgres.js");
    const server = (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "?";
    const table = (await client.query<{ has: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'migrations') AS has")).rows[0]?.has === true;
    const want = postgresMigrations.latest();
    if (!table) return { checks: [{ name: "database", status: "ok", message: `${where}: PostgreSQL ${server}, no Nexaas tables yet: \`nexaas start\` or \`nexaas apply\` creates them` }], liveOwner: false };
    const have = Number((await client.query<{ id: number | null }>("SELECT max(id) AS id FROM migrations")).rows[0]?.id ?? 0);
    const checks: Check[] = [];
    if (have > want) checks.push({ name: "database", status: "fail", message: `${where} is at migration ${have}, newer than this nexaas knows (${want})`, fix: "upgrade nexaas to the version that wrote it" });
    else if (have < want) checks.push({ name: "database", status: "warn", message: `${where} is at migration ${have} of ${want}`, fix: "the next `nexaas start` or `apply` migrates it (back it up first: pg_dump)" });
    else checks.push({ name: "database", status: "ok", message: `${where}: PostgreSQL ${server}, migrations current (${have})` });
    const lease = (await client.query<{ pid: number; host: string; heartbeat_at: string }>("SELECT pid, host, heartbeat_at FROM controller_lock WHERE id = 1")).rows[0];
    checks.push(
      lease
        ? { name: "leader", status: "ok", message: `pid ${lease.pid} on ${lease.host} leads, last seen ${lease.heartbeat_at}; another controller joins it as a follower` }
        : { name: "leader", status: "ok", message: "no controller leads: the first to start will" },
    );
    return { checks, liveOwner: false };
  } catch (error) {
    return { checks: [{ name: "database", status: "fail", message: `${where}: ${error instanceof Error ? error.message : String(error)}`, fix: "give Nexaas its own database (or schema), as DATABASE_URL's user" }], liveOwner: false };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function workspaceChecks(dir: string, env: NodeJS.ProcessEnv): Promise<Check[]> {
  if (!existsSync(join(dir, "nexaas.yaml"))) {
    return [{ name: "workspace", status: "fail", message: `${dir} has no nexaas.yaml`, fix: "run doctor in a workspace, pass --workspace DIR, or create one: nexaas init" }];
  }
  const { validateWorkspace } = await import("../controller/definitions/validate-workspace.js");
  const { defs, diagnostics, ok } = await validateWorkspace({ dir, tree: { from: "worktree" } });
  const errors = diagnostics.filter((d) => d.severity === "error");
  const checks: Check[] = [
    ok
      ? { name: "workspace", status: "ok", message: `validates (${defs.events.size} events, ${defs.agents.size} agents, ${diagnostics.length} warnings)` }
      : {
          name: "workspace",
          status: "fail",
          message: `${errors.length} error${errors.length === 1 ? "" : "s"}, e.g. ${errors.slice(0, 3).map((d) => `${d.file}:${d.line} ${d.rule}`).join(", ")}`,
          fix: "nexaas validate lists every one",
        },
  ];

  // ${NAME} in what runs: events and flows that can fire, and the active MCP servers.
  const used = new Map<string, Set<string>>();
  const collect = (value: unknown, where: string): void => {
    if (typeof value === "string") {
      for (const m of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
        const name = m[1] ?? "";
        if (!used.has(name)) used.set(name, new Set());
        used.get(name)?.add(where);
      }
    } else if (Array.isArray(value)) for (const v of value) collect(v, where);
    else if (value && typeof value === "object") for (const v of Object.values(value)) collect(v, where);
  };
  for (const [name, event] of defs.events) if (event.spec.enabled !== false) collect(event.spec, `events/${name}`);
  for (const [name, flow] of defs.flows) collect(flow.spec, `flows/${name}`);
  for (const [name, server] of defs.mcpServers) collect(server.spec, `mcp-servers/${name}`);
  const missing = [...used].filter(([name]) => (env[name] ?? "") === "");
  checks.push(
    missing.length === 0
      ? { name: "variables", status: "ok", message: used.size === 0 ? "the workspace references no ${NAME}" : `all ${used.size} \${NAME} references are set` }
      : {
          name: "variables",
          status: "fail",
          message: `not set: ${missing.map(([name, where]) => `${name} (${[...where].slice(0, 2).join(", ")})`).join(", ")}`,
          fix: "set them in the environment or in the workspace's .env; the runs that use them fail until then",
        },
  );

  const usesModel = [...defs.events.values()].some((e) => e.spec.enabled !== false && JSON.stringify(e.spec.action).match(/"(claude_chat|skill)"/)) ||
    [...defs.flows.values()].some((f) => JSON.stringify(f.spec).match(/"action":"(claude_chat|skill)"/));
  const hasKey = (env.ANTHROPIC_API_KEY ?? "") !== "";
  checks.push(
    hasKey
      ? { name: "model key", status: "ok", message: "ANTHROPIC_API_KEY is set" }
      : usesModel
        ? { name: "model key", status: "fail", message: "ANTHROPIC_API_KEY is not set, and events call a model (claude_chat or skill)", fix: "set ANTHROPIC_API_KEY in the environment or in .env; those runs fail at once until then" }
        : { name: "model key", status: "ok", message: "no event calls a model; ANTHROPIC_API_KEY is not needed" },
  );

  const commands = [...defs.mcpServers].filter(([, s]) => typeof s.spec.command === "string");
  const notFound = commands.filter(([, s]) => !onPath(String(s.spec.command), env.PATH ?? ""));
  checks.push(
    notFound.length === 0
      ? { name: "mcp servers", status: "ok", message: commands.length === 0 ? "no stdio MCP server" : `${commands.length} command${commands.length === 1 ? "" : "s"} found on PATH` }
      : {
          name: "mcp servers",
          status: "fail",
          message: `not on PATH: ${notFound.map(([name, s]) => `${String(s.spec.command)} (${name})`).join(", ")}`,
          fix: "install the command, or give its absolute path in the server's file",
        },
  );
  return checks;
}

function onPath(command: string, path: string): boolean {
  const executable = (file: string): boolean => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (isAbsolute(command) || command.includes("/")) return executable(command);
  return path.split(delimiter).some((dir) => dir !== "" && executable(join(dir, command)));
}

/** Strong enough: at least 32 characters and about 128 bits by its alphabet (a 32-byte base64url key has 256). */
function apiKeyCheck(key: string | undefined): Check {
  const fix = `API_KEY=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))") in the workspace's .env`;
  if (key === undefined || key.trim() === "") return { name: "API_KEY", status: "fail", message: "not set: start refuses to run without it", fix };
  const distinct = new Set(key).size;
  const bits = key.length * Math.log2(Math.max(distinct, 2));
  if (key.length < 32 || distinct < 10 || bits < 128) {
    return { name: "API_KEY", status: "fail", message: `too weak (${key.length} characters, ${distinct} distinct): anyone guessing it reads the status API`, fix };
  }
  return { name: "API_KEY", status: "ok", message: `${key.length} characters` };
}

async function portCheck(portText: string, host: string, liveOwner: boolean): Promise<Check> {
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { name: "port", status: "fail", message: `${portText} is not a port`, fix: "PORT (or --port) takes 0 to 65535" };
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
  if (free) return { name: "port", status: "ok", message: `${host}:${port} is free` };
  if (liveOwner) return { name: "port", status: "warn", message: `${host}:${port} is in use, likely by the running controller` };
  return { name: "port", status: "fail", message: `${host}:${port} is in use`, fix: "stop what listens there, or choose another port (PORT in .env, or --port)" };
}
