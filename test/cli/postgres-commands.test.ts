import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { cli, isolateGit } from "./helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { describePostgres, postgresClient, postgresDatabase } from "../support/postgres.js";
import { baseWorkspace } from "../support/tree.js";

// Issue 16: the CLI reaches the PostgreSQL store with --db postgres://… or DATABASE_URL,
// the same commands as on SQLite; what only a file has (backup) says what to use instead.

beforeAll(() => isolateGit());

const tree = { ...baseWorkspace, "events/report.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: 'echo report'}\n" };

describePostgres("the CLI on a PostgreSQL store", () => {
  it("applies, pauses, resumes, triggers, and reports status and events from the database DATABASE_URL or --db names", async () => {
    const ws = gitWorkspace(tree);
    const url = await postgresDatabase();
    const applied = await cli(["apply", "--workspace", ws.dir, "--db", url], ws.dir);
    expect(applied.stderr).toBe("");
    expect(applied).toMatchObject({ code: 0, stdout: expect.stringMatching(/Applied [0-9a-f]{12}: \d+ created/) });
    const db = await postgresClient(url);
    expect((await db.query("SELECT name, paused FROM events")).rows).toEqual([{ name: "report", paused: 0 }]);

    const env = { DATABASE_URL: url };
    expect(await cli(["pause", "report", "--reason", "maintenance", "--workspace", ws.dir], ws.dir, env)).toMatchObject({ code: 0, stdout: "paused report: maintenance\n" });
    expect((await db.query("SELECT paused FROM events WHERE name = 'report'")).rows[0]).toEqual({ paused: 1 });
    expect(await cli(["resume", "report", "--workspace", ws.dir], ws.dir, env)).toMatchObject({ code: 0, stdout: "resumed report\n" });
    const triggered = await cli(["trigger", "report", "--workspace", ws.dir, "--json"], ws.dir, env);
    expect(triggered.code).toBe(0);
    expect((await db.query("SELECT event_id, trigger, status FROM event_runs")).rows).toEqual([{ event_id: "report", trigger: "manual", status: "queued" }]);

    const status = await cli(["status", "--json", "--workspace", ws.dir], ws.dir, env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ last_applied_revision: ws.head(), last_result: "applied", queue: { queued: 1, running: 0 }, degraded: [] });
    const events = await cli(["events", "--json", "--workspace", ws.dir], ws.dir, env);
    expect(JSON.parse(events.stdout)).toEqual([expect.objectContaining({ id: "report" })]);
    // Nothing was written to a SQLite file meanwhile: the workspace has no data/ folder.
    expect(await cli(["runs", "--workspace", ws.dir], ws.dir, { DATABASE_PATH: "/nonexistent/nexaas.db", ...env })).toMatchObject({ code: 0, stdout: expect.stringContaining("report") });
  });

  it("refuses a DATABASE_URL that is not PostgreSQL's, and backup on PostgreSQL, with what to do instead", async () => {
    const ws = gitWorkspace(tree);
    const mysql = await cli(["status", "--workspace", ws.dir], ws.dir, { DATABASE_URL: "mysql://app:s3cret@db.internal/app" });
    // The environment's fault, not the command line's: exit 1 and one line, no usage text.
    expect(mysql.code).toBe(1);
    expect(mysql.stderr).toContain("not a postgres:// URL; unset it to use the SQLite file");
    expect(mysql.stderr).not.toContain("s3cret");
    expect(mysql.stderr).not.toContain("Usage:");
    const backup = await cli(["backup", "copy.db", "--workspace", ws.dir], ws.dir, { DATABASE_URL: await postgresDatabase() });
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain("pg_dump");
    // An explicit --db PATH wins over DATABASE_URL: the SQLite file is backed up (here: there is none yet).
    const flagWins = await cli(["backup", "copy.db", "--workspace", ws.dir, "--db", "data/nexaas.db"], ws.dir, { DATABASE_URL: "postgres://x@127.0.0.1:1/x" });
    expect(flagWins.stderr).toContain("no database at");
    expect(flagWins.stderr).not.toContain("pg_dump");
  });

  it("names an unreachable server, without its password, wherever the password was written", async () => {
    const ws = gitWorkspace(tree);
    const result = await cli(["status", "--workspace", ws.dir, "--db", "postgres://nexaas:hunter2@127.0.0.1:1/nexaas"], ws.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot reach the PostgreSQL database at postgres://nexaas:***@127.0.0.1:1/nexaas");
    expect(result.stderr).not.toContain("hunter2");
    const query = await cli(["status", "--workspace", ws.dir], ws.dir, { DATABASE_URL: "postgres://nexaas@127.0.0.1:1/nexaas?password=hunter3&sslmode=disable" });
    expect(query.stderr).toContain("password=***");
    expect(query.stderr).not.toContain("hunter3");
    // A URL where a file's path goes: refused as such, not shown as a path with its password in it.
    for (const [args, env] of [
      [["--db", "mysql://u:hunter4@db/x"], {}],
      [[], { DATABASE_PATH: "postgres://u:hunter4@db/x" }],
    ] as const) {
      const wrong = await cli(["runs", "--workspace", ws.dir, ...args], ws.dir, env);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain("a SQLite file's path, or a postgres:// URL");
      expect(wrong.stderr).not.toContain("hunter4");
    }
  });

  it("reads DATABASE_URL from the workspace's .env in every command, as start does", async () => {
    const ws = gitWorkspace(tree);
    const url = await postgresDatabase();
    writeFileSync(join(ws.dir, ".env"), `DATABASE_URL=${url}\n`);
    expect((await cli(["apply", "--workspace", ws.dir], ws.dir)).code).toBe(0);
    const status = await cli(["status", "--json", "--workspace", ws.dir], ws.dir);
    expect(JSON.parse(status.stdout)).toMatchObject({ last_applied_revision: ws.head() });
    expect(existsSync(join(ws.dir, "data"))).toBe(false);
  });
});

describePostgres("nexaas doctor on a PostgreSQL store", () => {
  it("checks the server, its migrations and its leader, from DATABASE_URL in .env as start reads it", async () => {
    const ws = gitWorkspace(tree);
    const url = await postgresDatabase();
    writeFileSync(join(ws.dir, ".env"), `DATABASE_URL=${url}\nAPI_KEY=${"k".repeat(40)}\n`);
    const fresh = JSON.parse((await cli(["doctor", "--json", "--workspace", ws.dir, "--port", "0"], ws.dir)).stdout) as { checks: { name: string; status: string; message: string }[] };
    expect(fresh.checks.find((c) => c.name === "database")).toMatchObject({ status: "ok", message: expect.stringContaining("no Nexaas tables yet") });
    expect((await cli(["apply", "--workspace", ws.dir], ws.dir, { DATABASE_URL: url })).code).toBe(0);
    const applied = JSON.parse((await cli(["doctor", "--json", "--workspace", ws.dir, "--port", "0"], ws.dir)).stdout) as typeof fresh;
    expect(applied.checks.find((c) => c.name === "database")).toMatchObject({ status: "ok", message: expect.stringMatching(/PostgreSQL [\d.]+.*, migrations current \(\d+\)/) });
    expect(applied.checks.find((c) => c.name === "leader")).toMatchObject({ status: "ok", message: "no controller leads: the first to start will" });
    expect(applied.checks.some((c) => c.name === "lock")).toBe(false);
  });
});
