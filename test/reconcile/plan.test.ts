import { describe, expect, it } from "vitest";
import { plan } from "../../controller/reconcile/plan.js";
import type { Change, Plan } from "../../controller/reconcile/plan.js";
import { editedOutOfBand, event, object, stored, workspace } from "./plan-objects.js";

// Friday 20 November 2026, 13:00 in Paris.
const now = new Date("2026-11-20T12:00:00Z");
const opts = { base: "a".repeat(40), head: "b".repeat(40), now };
const find = (p: Plan, key: string): Change => {
  const c = p.changes.find((x) => `${x.kind}/${x.name}` === key);
  if (!c) throw new Error(`no change for ${key}`);
  return c;
};

describe("plan: create, update, delete, unchanged", () => {
  it("counts each and orders changes by kind, then name", () => {
    const ws = workspace();
    const keep = object("skill", "keep", { format: "markdown", description: "Kept.", instructions: "Same." });
    const agentOld = object("agent", "manager", { description: "Runs things.", model: "claude-sonnet-4-5", prompt: "You run.\n" });
    const agentNew = object("agent", "manager", { description: "Runs everything.", model: "claude-sonnet-4-5", prompt: "You run.\n" });
    const gone = object("flow", "gone", { steps: [{ id: "a", action: "claude_chat", prompt: "x" }] });
    const desired = [event("zeta", {}), event("alpha", {}), agentNew, keep, ws, object("mcp_server", "fetch", { command: "uvx", args: ["mcp-server-fetch"] })];
    const current = [stored(ws), stored(keep), stored(agentOld), stored(gone)];

    const p = plan(desired, current, opts);
    expect(p.base).toBe(opts.base);
    expect(p.head).toBe(opts.head);
    expect(p.unchanged).toBe(2);
    expect(p.drift).toEqual([]);
    expect(p.changes.map((c) => `${c.op} ${c.kind}/${c.name}`)).toEqual([
      "update agent/manager",
      "create mcp_server/fetch",
      "delete flow/gone",
      "create event/alpha",
      "create event/zeta",
    ]);
    expect(find(p, "agent/manager")).toMatchObject({ layer: "workspace", file: "agents/manager/config.yaml", drift: false });
    expect(find(p, "agent/manager").fields).toEqual([{ path: "description", before: "Runs things.", after: "Runs everything." }]);
    expect(find(p, "flow/gone").fields).toEqual([{ path: "steps[0].id", before: "a" }, { path: "steps[0].action", before: "claude_chat" }, { path: "steps[0].prompt", before: "x" }]);
  });

  it("plans nothing for identical states", () => {
    const desired = [workspace(), event("daily", {})];
    const p = plan(desired, desired.map((o) => stored(o)), opts);
    expect(p).toEqual({ base: opts.base, head: opts.head, changes: [], unchanged: 2, drift: [] });
  });

  it("lists every leaf of a created object, with the key paths of nested steps", () => {
    const flow = object("flow", "nightly", {
      description: "Nightly",
      steps: [
        { id: "fetch", action: "webhook", url: "https://status.example.com/api", headers: { "X-Token": "${STATUS_TOKEN}" } },
        { id: "sum", action: "claude_chat", prompt: "Summarise {{steps.fetch.output}}" },
      ],
    });
    const p = plan([flow], [], { ...opts, base: null });
    expect(p.base).toBeNull();
    expect(find(p, "flow/nightly").fields).toEqual([
      { path: "description", after: "Nightly" },
      { path: "steps[0].id", after: "fetch" },
      { path: "steps[0].action", after: "webhook" },
      { path: "steps[0].url", after: "https://status.example.com/api" },
      { path: 'steps[0].headers["X-Token"]', after: "${STATUS_TOKEN}" },
      { path: "steps[1].id", after: "sum" },
      { path: "steps[1].action", after: "claude_chat" },
      { path: "steps[1].prompt", after: "Summarise {{steps.fetch.output}}" },
    ]);
  });

  it("marks a move between layers", () => {
    const framework = object("skill", "health-check", { format: "markdown", description: "Checks.", instructions: "Do." }, "framework");
    const ours = object("skill", "health-check", { format: "markdown", description: "Checks.", instructions: "Do." }, "workspace");
    const p = plan([ours], [stored(framework)], opts);
    expect(find(p, "skill/health-check")).toMatchObject({ op: "update", layer: "workspace", fields: [{ path: "(layer)", before: "framework", after: "workspace" }] });
  });
});

describe("plan: drift", () => {
  it("reports a row edited outside git and diffs the desired spec against what is stored", () => {
    const agent = object("agent", "manager", { description: "Runs things.", model: "claude-sonnet-4-5", prompt: "You run.\n" });
    const edited = editedOutOfBand(agent, { description: "Runs things.", model: "claude-opus-4-1", prompt: "You run.\n" });
    const p = plan([agent], [edited], opts);
    expect(p.drift).toEqual(["agent/manager"]);
    expect(p.unchanged).toBe(0);
    expect(find(p, "agent/manager")).toMatchObject({ op: "update", drift: true, fields: [{ path: "model", before: "claude-opus-4-1", after: "claude-sonnet-4-5" }] });
  });

  it("reports drift on a row that is being deleted too", () => {
    const gone = object("registry", "customers", { fields: {}, entries: [] });
    const p = plan([], [editedOutOfBand(gone, { fields: {}, entries: [{ a: 1 }] })], opts);
    expect(p.drift).toEqual(["registry/customers"]);
    expect(find(p, "registry/customers")).toMatchObject({ op: "delete", drift: true });
  });
});

describe("plan: next fire times", () => {
  it("gives the next 5 of a new cron event in its time zone", () => {
    const p = plan([workspace(), event("digest", { condition: { type: "cron", expr: "0 9 * * 1-5" } })], [], opts);
    const c = find(p, "event/digest");
    expect(c.timezone).toBe("Europe/Paris");
    // 09:00 in Paris (CET, +01:00) on the five weekdays after Friday 20 Nov 13:00.
    expect(c.next_fire_times).toEqual([
      "2026-11-23T08:00:00.000Z",
      "2026-11-24T08:00:00.000Z",
      "2026-11-25T08:00:00.000Z",
      "2026-11-26T08:00:00.000Z",
      "2026-11-27T08:00:00.000Z",
    ]);
  });

  it("prefers the event's own time zone, and falls back to UTC without a workspace", () => {
    const tokyo = event("tokyo", { condition: { type: "cron", expr: "0 9 * * *", timezone: "Asia/Tokyo" } });
    expect(find(plan([workspace(), tokyo], [], opts), "event/tokyo")).toMatchObject({ timezone: "Asia/Tokyo", next_fire_times: expect.arrayContaining(["2026-11-21T00:00:00.000Z"]) });
    const bare = event("bare", { condition: { type: "cron", expr: "0 9 * * *" } });
    expect(find(plan([bare], [], opts), "event/bare")).toMatchObject({ timezone: "UTC", next_fire_times: expect.arrayContaining(["2026-11-21T09:00:00.000Z"]) });
  });

  it("steps an interval from now, and shows a future once", () => {
    const p = plan(
      [event("every", { condition: { type: "interval", expr: "2h" } }), event("later", { condition: { type: "once", expr: "2026-12-01T09:00:00+01:00" } }), event("past", { condition: { type: "once", expr: "2026-01-01T09:00:00Z" } })],
      [],
      opts,
    );
    expect(find(p, "event/every")).toMatchObject({
      timezone: null,
      next_fire_times: ["2026-11-20T14:00:00.000Z", "2026-11-20T16:00:00.000Z", "2026-11-20T18:00:00.000Z", "2026-11-20T20:00:00.000Z", "2026-11-20T22:00:00.000Z"],
    });
    expect(find(p, "event/later").next_fire_times).toEqual(["2026-12-01T08:00:00.000Z"]);
    expect(find(p, "event/past").next_fire_times).toEqual([]);
  });

  it("shows none for disabled, webhook and deleted events, nor when only the action changed", () => {
    const old = event("digest", {});
    const p = plan(
      [event("off", { enabled: false }), event("hook", { condition: { type: "webhook", secret: "${HOOK_SECRET}" } }), event("digest", { action: { type: "claude_chat", prompt: "Other." } })],
      [stored(event("removed", {})), stored(old)],
      opts,
    );
    for (const key of ["event/off", "event/hook", "event/removed", "event/digest"]) expect(find(p, key).next_fire_times).toEqual([]);
    expect(find(p, "event/digest").op).toBe("update");
  });

  it("shows them again for a changed condition and for an event switched back on", () => {
    const p = plan(
      [event("moved", { condition: { type: "cron", expr: "0 10 * * 1-5" } }), event("back", {})],
      [stored(event("moved", {})), stored(event("back", { enabled: false }))],
      opts,
    );
    expect(find(p, "event/moved").next_fire_times[0]).toBe("2026-11-23T10:00:00.000Z");
    expect(find(p, "event/back").next_fire_times).toHaveLength(5);
  });

  it("stops at policy.expires_at", () => {
    const p = plan([event("brief", { condition: { type: "interval", expr: "1d" }, policy: { expires_at: "2026-11-23T00:00:00Z" } })], [], opts);
    expect(find(p, "event/brief").next_fire_times).toEqual(["2026-11-21T12:00:00.000Z", "2026-11-22T12:00:00.000Z"]);
  });
});
