import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { readEventRuntime } from "../../controller/store/read-event-runtime.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { getSyncStatus } from "../../controller/store/sync-status.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";

const dbs: Database[] = [];
const open = () => {
  const db = openDatabase(join(tempDir(), "nexaas.db"));
  dbs.push(db);
  return db;
};
afterEach(() => {
  while (dbs.length) dbs.pop()?.close();
});
beforeAll(() => isolateGit());

const t0 = new Date("2026-11-23T08:00:00.000Z");
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const digest = "condition:\n  type: cron\n  expr: \"0 9 * * *\"\n  timezone: Europe/Paris\naction:\n  type: claude_chat\n  prompt: Summarise yesterday\n";
const ping = "condition: {type: interval, expr: 15m}\naction: {type: script, command: ./ping.sh}\n";
const workspace = () => gitWorkspace({ ...baseWorkspace, "events/digest.yaml": digest, "events/ping.yaml": ping });
const count = (db: Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const opts = (dir: string, now: Date) => ({ dir, now, frameworkDir: null });

describe("reconcile: a revision is applied as one transaction", () => {
  it("applies HEAD, then treats the same tree as a no-op", async () => {
    const ws = workspace();
    const db = open();
    const first = await reconcile(db, opts(ws.dir, t0));
    expect(first.result).toBe("applied");
    expect(count(db, "events")).toBe(2);
    expect(count(db, "agents")).toBe(1);
    expect((await readEventRuntime(sqliteSql(db), "digest"))?.next_fire_at).toBe("2026-11-24T08:00:00.000Z"); // 09:00 Paris, strictly after now
    expect(await getSyncStatus(sqliteSql(db))).toMatchObject({ last_applied_revision: ws.head(), last_result: "applied", errors: [] });

    const again = await reconcile(db, opts(ws.dir, later(1)));
    expect(again.result).toBe("unchanged");
    expect((await getSyncStatus(sqliteSql(db))).last_attempted_at).toBe(t0.toISOString()); // nothing written at all
  });

  it("refuses an invalid revision whole: nothing changes but the status, which lists every error", async () => {
    const ws = workspace();
    const db = open();
    await reconcile(db, opts(ws.dir, t0));
    const good = ws.head();
    const bad = ws.commit({
      "events/ping.yaml": ping.replace("15m", "15 minutes"),
      "events/new.yaml": "condition: {type: interval, expr: 1h}\naction: {type: skill, skill: ghost}\n",
    });
    const result = await reconcile(db, opts(ws.dir, later(5)));
    expect(result.result).toBe("invalid");
    expect(count(db, "events")).toBe(2);
    const status = await getSyncStatus(sqliteSql(db));
    expect(status).toMatchObject({ last_applied_revision: good, last_attempted_revision: bad, last_result: "invalid" });
    expect(status.errors.map((d) => `${d.file}:${d.line} ${d.rule}`)).toEqual(["events/new.yaml:2 unknown-reference", "events/ping.yaml:1 duration"]);
  });

  it("keeps an unchanged event's runtime state; a changed condition gets a fresh next fire time", async () => {
    const ws = workspace();
    const db = open();
    await reconcile(db, opts(ws.dir, t0));
    db.prepare("UPDATE events SET next_fire_at = ?, consecutive_failures = 2, paused = 1, paused_reason = 'manual' WHERE name = 'digest'").run("2026-11-24T08:00:00.000Z");
    const pingBefore = (await readEventRuntime(sqliteSql(db), "ping"));

    ws.commit({ "events/digest.yaml": digest.replace("Summarise yesterday", "Summarise the week") });
    expect((await reconcile(db, opts(ws.dir, later(10)))).result).toBe("applied");
    expect((await readEventRuntime(sqliteSql(db), "digest"))).toMatchObject({ next_fire_at: "2026-11-24T08:00:00.000Z", consecutive_failures: 2, paused: 1, paused_reason: "manual" });

    ws.commit({ "events/digest.yaml": digest.replace("0 9 * * *", "30 7 * * *") });
    await reconcile(db, opts(ws.dir, later(20)));
    const runtime = (await readEventRuntime(sqliteSql(db), "digest"));
    expect(runtime?.next_fire_at).toBe("2026-11-24T06:30:00.000Z"); // 07:30 Paris, computed from now
    expect(runtime).toMatchObject({ consecutive_failures: 2, paused: 1 }); // a pause is kept until resumed
    expect((await readEventRuntime(sqliteSql(db), "ping"))).toEqual(pingBefore); // untouched
  });

  it("deletes a removed event, cancels its queued jobs and keeps its history", async () => {
    const ws = workspace();
    const db = open();
    await reconcile(db, opts(ws.dir, t0));
    const now = t0.toISOString();
    const run = (status: string, slot: string) =>
      Number(db.prepare("INSERT INTO event_runs (event_id, scheduled_for, status, created_at) VALUES ('ping', ?, ?, ?)").run(slot, status, now).lastInsertRowid);
    const doneRun = run("success", "2026-11-23T07:00:00.000Z");
    const queuedRun = run("queued", "2026-11-23T08:15:00.000Z");
    const runningRun = run("running", "2026-11-23T08:00:00.000Z");
    const job = (runId: number, status: string) =>
      db.prepare("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, 'ping', ?, ?, ?, ?)").run(runId, status, now, now, now);
    job(queuedRun, "queued");
    job(runningRun, "running");

    ws.commit({ "events/ping.yaml": null });
    const result = await reconcile(db, opts(ws.dir, later(30)));
    expect(result.result === "applied" && result.applied).toMatchObject({ deleted: 1, cancelledJobs: 1 });
    expect((await readEventRuntime(sqliteSql(db), "ping"))).toBeUndefined();
    const runs = db.prepare("SELECT id, status FROM event_runs WHERE event_id = 'ping' ORDER BY id").all();
    expect(runs).toEqual([
      { id: doneRun, status: "success" },
      { id: queuedRun, status: "cancelled" },
      { id: runningRun, status: "running" }, // a running job finishes
    ]);
  });

  it("does not touch unchanged objects", async () => {
    const ws = workspace();
    const db = open();
    await reconcile(db, opts(ws.dir, t0));
    const first = ws.head();
    ws.commit({ "events/ping.yaml": ping.replace("15m", "20m") });
    await reconcile(db, opts(ws.dir, later(3)));
    const rows = db.prepare("SELECT name, revision, updated_at FROM events ORDER BY name").all();
    expect(rows).toEqual([
      { name: "digest", revision: first, updated_at: t0.toISOString() },
      { name: "ping", revision: ws.head(), updated_at: later(3).toISOString() },
    ]);
  });

  it("puts back a row edited out of band and reports it as drift", async () => {
    const ws = workspace();
    const db = open();
    await reconcile(db, opts(ws.dir, t0));
    db.prepare("UPDATE agents SET spec = json_set(spec, '$.model', 'claude-opus-9') WHERE name = 'helper'").run();
    const result = await reconcile(db, { ...opts(ws.dir, later(1)), force: true });
    expect(result.result === "applied" && result.plan.drift).toEqual(["agent/helper"]);
    const spec = JSON.parse((db.prepare("SELECT spec FROM agents WHERE name = 'helper'").get() as { spec: string }).spec) as Record<string, unknown>;
    expect(spec.model).toBeUndefined();
    expect((await getSyncStatus(sqliteSql(db))).drift).toEqual(["agent/helper"]);
  });

  it("treats a commit that does not touch a subfolder workspace as a no-op", async () => {
    const ws = gitWorkspace({ "README.md": "monorepo\n", ...Object.fromEntries(Object.entries(baseWorkspace).map(([k, v]) => [`ops/${k}`, v])) });
    const db = open();
    const dir = join(ws.dir, "ops");
    expect((await reconcile(db, opts(dir, t0))).result).toBe("applied");
    const outside = ws.commit({ "README.md": "monorepo, edited\n" });
    expect((await reconcile(db, opts(dir, later(1)))).result).toBe("unchanged");
    expect(await getSyncStatus(sqliteSql(db))).toMatchObject({ last_attempted_revision: outside, last_result: "unchanged" });
  });

  it("gives an event switched back on a fresh next fire time, as the plan shows", async () => {
    const ws = workspace();
    const db = open();
    await reconcile(db, opts(ws.dir, t0));
    ws.commit({ "events/digest.yaml": "enabled: false\n" + digest });
    await reconcile(db, opts(ws.dir, later(1)));
    db.prepare("UPDATE events SET next_fire_at = '2026-01-01T08:00:00.000Z' WHERE name = 'digest'").run(); // went stale while off
    ws.commit({ "events/digest.yaml": digest });
    const result = await reconcile(db, opts(ws.dir, later(2)));
    const change = result.result === "applied" ? result.plan.changes.find((c) => c.name === "digest") : undefined;
    expect(change?.next_fire_times[0]).toBe("2026-11-24T08:00:00.000Z");
    expect((await readEventRuntime(sqliteSql(db), "digest"))?.next_fire_at).toBe(change?.next_fire_times[0]);
  });

  it("lets two reconciles of one database race without a crash or a mixed state", async () => {
    const ws = workspace();
    const path = join(tempDir(), "shared.db");
    const a = openDatabase(path);
    const b = openDatabase(path);
    dbs.push(a, b);
    const results = await Promise.all([reconcile(a, opts(ws.dir, t0)), reconcile(b, opts(ws.dir, t0))]);
    expect(results.map((r) => r.result).sort()).toEqual(["applied", "unchanged"]);
    expect(count(a, "events")).toBe(2);
  });
});
