import { cpSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../../controller/store/open-database.js";
import { cli, git, gitIdentity, isolateGit, tempDir } from "../../cli/helpers.js";
import { describePostgres, postgresClient, postgresDatabase } from "../../support/postgres.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..");

describePostgres("nexaas store copy (SQLite to PostgreSQL)", () => {
  let ws: string;
  let dbPath: string;
  beforeAll(async () => {
    isolateGit();
    ws = tempDir("nexaas-copy-");
    cpSync(join(repoRoot, "workspace.example"), ws, { recursive: true, filter: (src) => !/[/\\](data|exports|\.env)$/.test(src) });
    git(ws, "init", "-q", "-b", "main");
    gitIdentity(ws);
    git(ws, "add", "-A");
    git(ws, "commit", "-qm", "example");
    dbPath = join(ws, "data", "nexaas.db");
    const applied = await cli(["apply", "--db", dbPath], ws);
    expect(applied.code, applied.stderr).toBe(0);
    // History as a controller leaves it: runs with their jobs, a transcript step, usage.
    const db = openDatabase(dbPath);
    const event = db.prepare<[], { name: string }>("SELECT name FROM events ORDER BY name LIMIT 1").get()?.name ?? "";
    for (let i = 0; i < 3; i++) {
      const at = `2026-12-0${i + 1}T09:00:00.000Z`;
      const run = db
        .prepare("INSERT INTO event_runs (event_id, scheduled_for, trigger, status, created_at) VALUES (?, ?, 'manual', 'success', ?) RETURNING id")
        .pluck()
        .get(event, at, at);
      db.prepare("INSERT INTO job_queue (run_id, event_id, status, priority, run_at, max_attempts, created_at, updated_at) VALUES (?, ?, 'success', 5, ?, 3, ?, ?)").run(run, event, at, at, at);
      db.prepare("INSERT INTO token_usage (run_id, event_id, agent, model, input_tokens, output_tokens, cost_usd, created_at) VALUES (?, ?, NULL, 'claude-sonnet-5-5', 100, 20, 0.0125, ?)").run(run, event, at);
    }
    closeDatabase(db);
  }, 60_000);

  it("copies every table with its ids into an empty database, and new ids follow the copied ones", async () => {
    const url = await postgresDatabase();
    const copied = await cli(["store", "copy", "--from", dbPath, "--to", url, "--json"], ws);
    expect(copied.code, copied.stderr).toBe(0);
    const report = JSON.parse(copied.stdout) as { rows: number; tables: { table: string; rows: number }[] };
    const db = openDatabase(dbPath, { readonly: true });
    const client = await postgresClient(url);
    try {
      for (const { table, rows } of report.tables) {
        const sqliteRows = db.prepare<[], number>(`SELECT count(*) FROM "${table}"`).pluck().get();
        expect(rows, table).toBe(sqliteRows);
        const pgRows = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`);
        expect(Number(pgRows.rows[0]?.n), table).toBe(sqliteRows);
      }
      expect(report.tables.find((t) => t.table === "events")?.rows).toBeGreaterThan(0);
      // Same run ids, same costs.
      const runs = db.prepare<[], { id: number; event_id: string }>("SELECT id, event_id FROM event_runs ORDER BY id").all();
      const pgRuns = await client.query<{ id: string; event_id: string }>("SELECT id, event_id FROM event_runs ORDER BY id");
      expect(pgRuns.rows.map((r) => ({ id: Number(r.id), event_id: r.event_id }))).toEqual(runs);
      const cost = await client.query<{ c: number }>("SELECT sum(cost_usd) AS c FROM token_usage");
      expect(cost.rows[0]?.c).toBeCloseTo(0.0375, 6);
      // The usage counters are the source's, not counted twice by the target's trigger.
      const totals = await client.query<{ calls: string; cost_usd: number }>("SELECT calls, cost_usd FROM usage_totals WHERE model = 'claude-sonnet-5-5'");
      expect({ calls: Number(totals.rows[0]?.calls), cost: totals.rows[0]?.cost_usd }).toEqual(
        db.prepare("SELECT calls, cost_usd AS cost FROM usage_totals WHERE model = 'claude-sonnet-5-5'").get(),
      );
      // The identity counter moved past the copied ids: the next run does not collide.
      const next = await client.query<{ id: string }>(
        "INSERT INTO event_runs (event_id, scheduled_for, trigger, status, created_at) VALUES ($1, '2026-12-09T00:00:00.000Z', 'manual', 'queued', '2026-12-09T00:00:00.000Z') RETURNING id",
        [runs[0]?.event_id],
      );
      expect(Number(next.rows[0]?.id)).toBeGreaterThan(Math.max(...runs.map((r) => r.id)));
    } finally {
      closeDatabase(db);
    }
  }, 60_000);

  it("refuses a target that holds data, and leaves it as it was", async () => {
    const url = await postgresDatabase();
    expect((await cli(["store", "copy", "--from", dbPath, "--to", url], ws)).code).toBe(0);
    const again = await cli(["store", "copy", "--from", dbPath, "--to", url], ws);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds data/);
    const client = await postgresClient(url);
    const runs = await client.query<{ n: string }>("SELECT count(*) AS n FROM event_runs");
    expect(Number(runs.rows[0]?.n)).toBe(3);
  }, 60_000);

  it("says what is wrong with its arguments, and hides the password of the URL", async () => {
    expect((await cli(["store", "copy", "--from", dbPath], ws)).code).toBe(2);
    const notPg = await cli(["store", "copy", "--from", dbPath, "--to", "/tmp/x.db"], ws);
    expect(notPg.code).toBe(2);
    expect(notPg.stderr).toMatch(/postgres:\/\//);
    const missing = await cli(["store", "copy", "--from", join(ws, "nope.db"), "--to", "postgres://u:secret-pw@127.0.0.1:1/x"], ws);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no database at/);
    const unreachable = await cli(["store", "copy", "--from", dbPath, "--to", "postgres://u:secret-pw@127.0.0.1:1/x"], ws);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach the PostgreSQL database at postgres:\/\/u:\*\*\*@127.0.0.1:1/);
    expect(unreachable.stderr + unreachable.stdout).not.toContain("secret-pw");
  }, 60_000);
});

