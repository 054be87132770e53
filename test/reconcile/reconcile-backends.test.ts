import { beforeAll, describe, expect } from "vitest";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { readEventRuntime } from "../../controller/store/read-event-runtime.js";
import { readObjects } from "../../controller/store/read-objects.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { getSyncStatus } from "../../controller/store/sync-status.js";
import { isolateGit } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";
import { backends, testOn } from "../store/backends.js";

beforeAll(() => isolateGit());

const t0 = new Date("2026-11-23T08:00:00.000Z");
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const digest = "condition:\n  type: cron\n  expr: \"0 9 * * *\"\n  timezone: Europe/Paris\naction:\n  type: claude_chat\n  prompt: Summarise yesterday\n";
const ping = "condition: {type: interval, expr: 15m}\naction: {type: script, command: ./ping.sh}\n";
const opts = (dir: string, now: Date) => ({ dir, now, frameworkDir: null });

/** What a reconcile leaves, minus what differs by backend only in form (revisions are per workspace). */
async function stored(sql: Sql) {
  const { last_applied_revision: _r, last_attempted_revision: _a, ...status } = await getSyncStatus(sql);
  const objects = (await readObjects(sql)).map(({ revision: _rev, ...o }) => o);
  return { objects, status, digest: await readEventRuntime(sql, "digest"), ping: await readEventRuntime(sql, "ping") };
}

const seen = new Map<string, unknown>();

describe.each(backends)("reconcile on $name", ({ name, missing, open }) => {
  const it = testOn(missing);

  it("applies a revision, refuses an invalid one whole, then applies the fix: the same outcome on both backends", async () => {
    const sql = await open();
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

    seen.set(name, [applied, afterInvalid, afterFix].map((s) => ({ ...s, status: { ...s.status, last_applied_key: null } })));
    if (seen.size === backends.length) expect(seen.get("postgres")).toEqual(seen.get("sqlite"));
  });
});
