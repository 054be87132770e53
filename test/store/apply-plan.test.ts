import { describe, expect } from "vitest";
import type { ObjectState } from "../../controller/definitions/object-state.js";
import { applyPlan } from "../../controller/reconcile/apply-plan.js";
import { plan } from "../../controller/reconcile/plan.js";
import { flowsAfter } from "../../controller/store/flows-after.js";
import { listDefinitions } from "../../controller/store/list-definitions.js";
import { readDefinition } from "../../controller/store/read-definition.js";
import { readEvent } from "../../controller/store/read-event.js";
import { readEventRuntime } from "../../controller/store/read-event-runtime.js";
import { readObjects } from "../../controller/store/read-objects.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { getSyncStatus } from "../../controller/store/sync-status.js";
import { backends, testOn } from "./backends.js";
import { at, cronEvent, object } from "./helpers.js";

const t0 = at("2026-11-23T08:00:00.000Z");
const t1 = at("2026-11-23T08:30:00.000Z");

const v1: ObjectState[] = [
  object("workspace", "workspace", { name: "ops", timezone: "Europe/Paris", defaults: { agent: "helper" } }),
  object("agent", "helper", { description: "Helps.", model: "claude-sonnet-4-5", prompt: "You help.\n" }),
  object("agent", "Zed", { description: "Sorts after lower case on SQLite.", prompt: "z\n" }),
  object("skill", "summarise", { format: "markdown", description: "Summarises.", instructions: "Be brief." }, "framework"),
  object("flow", "triage", { steps: [{ id: "a", action: { type: "script", command: "true" } }] }),
  cronEvent("daily"),
  cronEvent("weekly", {}, "0 9 * * 1"),
  object("event", "hook", { condition: { type: "webhook" }, action: { type: "script", command: "./hook.sh" }, origin: "events", enabled: false }),
];

// The next revision: an agent changed, a skill removed, one event's condition changed, another's prompt only, one removed.
const v2: ObjectState[] = [
  v1[0]!,
  object("agent", "helper", { description: "Helps more.", model: "claude-haiku-4-5", prompt: "You help.\n" }),
  v1[2]!,
  v1[4]!,
  cronEvent("daily", {}, "30 7 * * *"),
  cronEvent("weekly", { description: "described" }, "0 9 * * 1"),
];

async function apply(sql: Sql, desired: ObjectState[], revision: string, now: Date) {
  const thePlan = plan(desired, await readObjects(sql), { base: (await getSyncStatus(sql)).last_applied_revision, head: revision, now });
  return { plan: thePlan, applied: await applyPlan(sql, { plan: thePlan, desired, revision, key: `tree-${revision}:fw`, now }) };
}

/** Everything the reconcile writes, as the readers see it. */
async function state(sql: Sql) {
  const events = await Promise.all(["daily", "weekly", "hook"].map(async (name) => ({ name, runtime: await readEventRuntime(sql, name), event: await readEvent(sql, name) })));
  const { last_applied_at: _at, last_attempted_at: _tried, ...status } = await getSyncStatus(sql);
  return {
    objects: await readObjects(sql),
    agents: await listDefinitions(sql, "agent"),
    workspace: await readDefinition(sql, "workspace", "workspace"),
    generated: await sql.all("SELECT name, agent, condition_type, enabled, origin FROM events ORDER BY name"),
    models: await sql.all("SELECT name, model FROM agents ORDER BY name"),
    events,
    status,
    history: await sql.all("SELECT revision, result, at, errors FROM reconcile_history ORDER BY id"),
  };
}

const results = new Map<string, unknown[]>();

describe.each(backends)("a workspace applied through applyPlan on $name", ({ name, missing, open }) => {
  const it = testOn(missing);

  it("writes two revisions, keeping runtime state where the condition did not change, and reads back what SQLite reads", async () => {
    const sql = await open();
    const first = await apply(sql, v1, "rev1", t0);
    expect(first.applied).toEqual({ created: v1.length, updated: 0, deleted: 0, cancelledJobs: 0 });
    const afterFirst = await state(sql);
    // By kind, then by name in byte order on both: "Zed" before "helper".
    expect(afterFirst.objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      "workspace/workspace",
      "agent/Zed",
      "agent/helper",
      "skill/summarise",
      "flow/triage",
      "event/daily",
      "event/hook",
      "event/weekly",
    ]);
    expect(afterFirst.events.find((e) => e.name === "daily")?.runtime?.next_fire_at).toBe("2026-11-24T08:00:00.000Z");
    expect(afterFirst.events.find((e) => e.name === "hook")?.event).toMatchObject({ enabled: false, paused: false, revision: "rev1" });

    // The scheduler's part of an event, which a reconcile must keep unless the condition changed.
    await sql.run("UPDATE events SET consecutive_failures = 2, paused = 1, paused_reason = 'failed 2 times' WHERE name IN ('daily', 'weekly')");
    const second = await apply(sql, v2, "rev2", t1);
    expect(second.applied).toEqual({ created: 0, updated: 3, deleted: 2, cancelledJobs: 0 });
    const afterSecond = await state(sql);
    expect(afterSecond.events.find((e) => e.name === "daily")?.runtime).toMatchObject({ next_fire_at: "2026-11-24T06:30:00.000Z", consecutive_failures: 2, paused: 1 });
    expect(afterSecond.events.find((e) => e.name === "weekly")?.runtime?.next_fire_at).toBe(afterFirst.events.find((e) => e.name === "weekly")?.runtime?.next_fire_at);
    expect(afterSecond.events.find((e) => e.name === "hook")?.runtime).toBeUndefined();
    expect(afterSecond.status).toMatchObject({ last_applied_revision: "rev2", last_result: "applied", errors: [], drift: [] });

    // Applying the same revision again changes nothing.
    const third = await apply(sql, v2, "rev2", t1);
    expect(third.plan.changes).toEqual([]);

    results.set(name, [afterFirst, afterSecond, await state(sql)]);
    if (results.size === backends.length) expect(results.get("postgres")).toEqual(results.get("sqlite"));
  });

  it("applies nothing of a plan that fails half way: the transaction rolls back whole", async () => {
    const sql = await open();
    await apply(sql, v1, "rev1", t0);
    const before = await state(sql);
    const thePlan = plan(v2, await readObjects(sql), { base: "rev1", head: "rev2", now: t1 });
    // The desired state lacks one object the plan names, so the apply throws after its first writes.
    const desired = v2.filter((o) => !(o.kind === "event" && o.name === "weekly"));
    await expect(applyPlan(sql, { plan: thePlan, desired, revision: "rev2", key: "tree-rev2:fw", now: t1 })).rejects.toThrow(/event\/weekly|weekly/);
    expect(await state(sql)).toEqual(before);
  });
});

describe.each(backends)("flows that follow a flow, on $name", ({ missing, open }) => {
  const it = testOn(missing);

  it("finds the flows whose trigger is after the one named, with the outcome they wait for", async () => {
    const sql = await open();
    const step = [{ id: "a", action: { type: "script", command: "true" } }];
    const flows = [
      object("flow", "first", { steps: step }),
      object("flow", "then", { trigger: { type: "after", flow: "first" }, steps: step }),
      object("flow", "Cleanup", { trigger: { type: "after", flow: "first", on: "always" }, steps: step }),
      object("flow", "unrelated", { trigger: { type: "after", flow: "other", on: "failure" }, steps: step }),
    ];
    await apply(sql, flows, "rev1", t0);
    expect(await flowsAfter(sql, "first")).toEqual([
      { name: "Cleanup", on: "always" },
      { name: "then", on: "success" },
    ]);
    expect(await flowsAfter(sql, "then")).toEqual([]);
    // A flow row mangled out of band (not JSON) is drift for the next apply: the others are still found.
    await sql.run("UPDATE flows SET spec = ? WHERE name = 'unrelated'", ['{"trigger": {"type": "after", "flow": "fir']);
    expect((await flowsAfter(sql, "first")).map((f) => f.name)).toEqual(["Cleanup", "then"]);
  });
});
