import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { readEventRuntime } from "../../controller/store/read-event-runtime.js";
import { readObjects } from "../../controller/store/read-objects.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { getSyncStatus } from "../../controller/store/sync-status.js";
import { isolateGit } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { fileStoreBackends } from "../support/store-backends.js";
import { baseWorkspace } from "../support/tree.js";

beforeAll(() => isolateGit());
const backends = fileStoreBackends();

const t0 = new Date("2026-11-23T08:00:00.000Z");
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const digest = 'condition:\n  type: cron\n  expr: "0 9 * * *"\n  timezone: Europe/Paris\naction:\n  type: claude_chat\n  prompt: Summarise yesterday\n';
const ping = "condition: {type: interval, expr: 15m}\naction: {type: script, command: ./ping.sh}\n";
const workspace = () => gitWorkspace({ ...baseWorkspace, "events/digest.yaml": digest, "events/ping.yaml": ping });
const count = async (sql: Sql, table: string) => (await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n;
const opts = (dir: string, now: Date) => ({ dir, now, frameworkDir: null });

/** What a reconcile leaves, minus what differs by backend only in form (revisions are per workspace). */
async function stored(sql: Sql) {
  const { last_applied_revision: _r, last_attempted_revision: _a, ...status } = await getSyncStatus(sql);
  const objects = (await readObjects(sql)).map(({ revision: _rev, ...o }) => o);
  return { objects, status, digest: await readEventRuntime(sql, "digest"), ping: await readEventRuntime(sql, "ping") };
}

/** Each backend's stores after the same reconciles, to compare once both ran. */
const seen = new Map<string, unknown>();

describe.each(backends)("reconcile on $name", ({ name, missing, open }) => {
  const it_ = missing ? (title: string, _body: () => Promise<void>) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : it;

  describe("reconcile: a revision is applied as one transaction", () => {
    it_("applies HEAD, then treats the same tree as a no-op", async () => {
      const ws = workspace();
      const { sql } = await open();
      const first = await reconcile(sql, opts(ws.dir, t0));
      expect(first.result).toBe("applied");
      expect(await count(sql, "events")).toBe(2);
      expect(await count(sql, "agents")).toBe(1);
      expect((await readEventRuntime(sql, "digest"))?.next_fire_at).toBe("2026-11-24T08:00:00.000Z"); // 09:00 Paris, strictly after now
      expect(await getSyncStatus(sql)).toMatchObject({ last_applied_revision: ws.head(), last_result: "applied", errors: [] });

      const again = await reconcile(sql, opts(ws.dir, later(1)));
      expect(again.result).toBe("unchanged");
      expect((await getSyncStatus(sql)).last_attempted_at).toBe(t0.toISOString()); // nothing written at all
    });

    it_("refuses an invalid revision whole: nothing changes but the status, which lists every error", async () => {
      const ws = workspace();
      const { sql } = await open();
      await reconcile(sql, opts(ws.dir, t0));
      const good = ws.head();
      const bad = ws.commit({
        "events/ping.yaml": ping.replace("15m", "15 minutes"),
        "events/new.yaml": "condition: {type: interval, expr: 1h}\naction: {type: skill, skill: ghost}\n",
      });
      const result = await reconcile(sql, opts(ws.dir, later(5)));
      expect(result.result).toBe("invalid");
      expect(await count(sql, "events")).toBe(2);
      const status = await getSyncStatus(sql);
      expect(status).toMatchObject({ last_applied_revision: good, last_attempted_revision: bad, last_result: "invalid" });
      expect(status.errors.map((d) => `${d.file}:${d.line} ${d.rule}`)).toEqual(["events/new.yaml:2 unknown-reference", "events/ping.yaml:1 duration"]);
    });

    it_("keeps an unchanged event's runtime state; a changed condition gets a fresh next fire time", async () => {
      const ws = workspace();
      const { sql } = await open();
      await reconcile(sql, opts(ws.dir, t0));
      await sql.run("UPDATE events SET next_fire_at = ?, consecutive_failures = 2, paused = 1, paused_reason = 'manual' WHERE name = 'digest'", ["2026-11-24T08:00:00.000Z"]);
      const pingBefore = await readEventRuntime(sql, "ping");

      ws.commit({ "events/digest.yaml": digest.replace("Summarise yesterday", "Summarise the week") });
      expect((await reconcile(sql, opts(ws.dir, later(10)))).result).toBe("applied");
      expect(await readEventRuntime(sql, "digest")).toMatchObject({ next_fire_at: "2026-11-24T08:00:00.000Z", consecutive_failures: 2, paused: 1, paused_reason: "manual" });

      ws.commit({ "events/digest.yaml": digest.replace("0 9 * * *", "30 7 * * *") });
      await reconcile(sql, opts(ws.dir, later(20)));
      const runtime = await readEventRuntime(sql, "digest");
      expect(runtime?.next_fire_at).toBe("2026-11-24T06:30:00.000Z"); // 07:30 Paris, computed from now
      expect(runtime).toMatchObject({ consecutive_failures: 2, paused: 1 }); // a pause is kept until resumed
      expect(await readEventRuntime(sql, "ping")).toEqual(pingBefore); // untouched
    });

    it_("deletes a removed event, cancels its queued jobs and keeps its history", async () => {
      const ws = workspace();
      const { sql } = await open();
      await reconcile(sql, opts(ws.dir, t0));
      const now = t0.toISOString();
      const run = async (status: string, slot: string) =>
        Number(
          (await sql.get<{ id: number }>("INSERT INTO event_runs (event_id, scheduled_for, status, created_at) VALUES ('ping', ?, ?, ?) RETURNING id", [slot, status, now]))?.id,
        );
      const doneRun = await run("success", "2026-11-23T07:00:00.000Z");
      const queuedRun = await run("queued", "2026-11-23T08:15:00.000Z");
      const runningRun = await run("running", "2026-11-23T08:00:00.000Z");
      const job = (runId: number, status: string) =>
        sql.run("INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, 'ping', ?, ?, ?, ?)", [runId, status, now, now, now]);
      await job(queuedRun, "queued");
      await job(runningRun, "running");

      ws.commit({ "events/ping.yaml": null });
      const result = await reconcile(sql, opts(ws.dir, later(30)));
      expect(result.result === "applied" && result.applied).toMatchObject({ deleted: 1, cancelledJobs: 1 });
      expect(await readEventRuntime(sql, "ping")).toBeUndefined();
      const runs = await sql.all("SELECT id, status FROM event_runs WHERE event_id = 'ping' ORDER BY id");
      expect(runs).toEqual([
        { id: doneRun, status: "success" },
        { id: queuedRun, status: "cancelled" },
        { id: runningRun, status: "running" }, // a running job finishes
      ]);
    });

    it_("does not touch unchanged objects", async () => {
      const ws = workspace();
      const { sql } = await open();
      await reconcile(sql, opts(ws.dir, t0));
      const first = ws.head();
      ws.commit({ "events/ping.yaml": ping.replace("15m", "20m") });
      await reconcile(sql, opts(ws.dir, later(3)));
      const rows = await sql.all("SELECT name, revision, updated_at FROM events ORDER BY name");
      expect(rows).toEqual([
        { name: "digest", revision: first, updated_at: t0.toISOString() },
        { name: "ping", revision: ws.head(), updated_at: later(3).toISOString() },
      ]);
    });

    it_("puts back a row edited out of band and reports it as drift", async () => {
      const ws = workspace();
      const { sql } = await open();
      await reconcile(sql, opts(ws.dir, t0));
      if (sql.dialect === "sqlite") await sql.run("UPDATE agents SET spec = json_set(spec, '$.model', 'claude-opus-9') WHERE name = 'helper'");
      else await sql.run("UPDATE agents SET spec = jsonb_set(spec::jsonb, '{model}', '\"claude-opus-9\"')::text WHERE name = 'helper'");
      expect(await sql.get("SELECT model FROM agents WHERE name = 'helper'")).toEqual({ model: "claude-opus-9" });
      const result = await reconcile(sql, { ...opts(ws.dir, later(1)), force: true });
      expect(result.result === "applied" && result.plan.drift).toEqual(["agent/helper"]);
      const spec = JSON.parse((await sql.get<{ spec: string }>("SELECT spec FROM agents WHERE name = 'helper'"))?.spec ?? "null") as Record<string, unknown>;
      expect(spec.model).toBeUndefined();
      expect((await getSyncStatus(sql)).drift).toEqual(["agent/helper"]);
    });

    it_("treats a commit that does not touch a subfolder workspace as a no-op", async () => {
      const ws = gitWorkspace({ "README.md": "monorepo\n", ...Object.fromEntries(Object.entries(baseWorkspace).map(([k, v]) => [`ops/${k}`, v])) });
      const { sql } = await open();
      const dir = join(ws.dir, "ops");
      expect((await reconcile(sql, opts(dir, t0))).result).toBe("applied");
      const outside = ws.commit({ "README.md": "monorepo, edited\n" });
      expect((await reconcile(sql, opts(dir, later(1)))).result).toBe("unchanged");
      expect(await getSyncStatus(sql)).toMatchObject({ last_attempted_revision: outside, last_result: "unchanged" });
    });

    it_("gives an event switched back on a fresh next fire time, as the plan shows", async () => {
      const ws = workspace();
      const { sql } = await open();
      await reconcile(sql, opts(ws.dir, t0));
      ws.commit({ "events/digest.yaml": "enabled: false\n" + digest });
      await reconcile(sql, opts(ws.dir, later(1)));
      await sql.run("UPDATE events SET next_fire_at = '2026-01-01T08:00:00.000Z' WHERE name = 'digest'"); // went stale while off
      ws.commit({ "events/digest.yaml": digest });
      const result = await reconcile(sql, opts(ws.dir, later(2)));
      const change = result.result === "applied" ? result.plan.changes.find((c) => c.name === "digest") : undefined;
      expect(change?.next_fire_times[0]).toBe("2026-11-24T08:00:00.000Z");
      expect((await readEventRuntime(sql, "digest"))?.next_fire_at).toBe(change?.next_fire_times[0]);
    });

    it_("lets two reconciles of one database race without a crash or a mixed state", async () => {
      const ws = workspace();
      const { sql, connect } = await open();
      const other = await connect();
      const results = await Promise.all([reconcile(sql, opts(ws.dir, t0)), reconcile(other, opts(ws.dir, t0))]);
      expect(results.map((r) => r.result).sort()).toEqual(["applied", "unchanged"]);
      expect(await count(sql, "events")).toBe(2);
      expect(await count(sql, "reconcile_history")).toBe(1);
    });

    it_("applies a revision, refuses an invalid one whole, then applies the fix: the same outcome on both backends", async () => {
      const { sql } = await open();
      const ws = gitWorkspace({ ...baseWorkspace, "events/digest.yaml": digest, "events/ping.yaml": ping });
      expect((await reconcile(sql, opts(ws.dir, t0))).result).toBe("applied");
      expect((await reconcile(sql, opts(ws.dir, later(1)))).result).toBe("unchanged");
      const applied = await stored(sql);
      expect(applied.digest?.next_fire_at).toBe("2026-11-24T08:00:00.000Z");

      ws.commit({ "events/ping.yaml": ping.replace("15m", "15 minutes"), "events/new.yaml": "condition: {type: interval, expr: 1h}\naction: {type: skill, skill: ghost}\n" });
      const invalid = await reconcile(sql, opts(ws.dir, later(5)));
      expect(invalid.result).toBe("invalid");
      const afterInvalid = await stored(sql);
      expect(afterInvalid.objects).toEqual(applied.objects);
      expect(afterInvalid.status).toMatchObject({ last_result: "invalid" });
      expect(afterInvalid.status.errors.map((d) => d.rule).sort()).toEqual(["duration", "unknown-reference"]);

      ws.commit({ "events/ping.yaml": null, "events/new.yaml": null, "events/digest.yaml": digest.replace("0 9 * * *", "30 7 * * *") });
      const fixed = await reconcile(sql, opts(ws.dir, later(10)));
      expect(fixed.result === "applied" && fixed.applied).toMatchObject({ updated: 1, deleted: 1 });
      const afterFix = await stored(sql);
      expect(afterFix.digest?.next_fire_at).toBe("2026-11-24T06:30:00.000Z");
      expect(afterFix.ping).toBeUndefined();

      seen.set(
        name,
        [applied, afterInvalid, afterFix].map((s) => ({ ...s, status: { ...s.status, last_applied_key: null } })),
      );
      if (seen.size === backends.length) expect(seen.get("postgres")).toEqual(seen.get("sqlite"));
    });
  });
});
