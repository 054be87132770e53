import type { Database } from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFixture, auth } from "./fixture.js";

let db: Database;
let app: FastifyInstance;
let close: () => Promise<void>;

const get = async (url: string) => {
  const response = await app.inject({ url, headers: auth });
  return { status: response.statusCode, body: response.json() as unknown };
};
/** The answer's JSON body, typed by the caller (the response schemas are the API's contract). */
const json = async <T = unknown>(url: string, status = 200): Promise<T> => {
  const answer = await get(url);
  expect(answer.status, `${url}: ${JSON.stringify(answer.body)}`).toBe(status);
  return answer.body as T;
};

type ErrorBody = { error: string; message: string };
type RunPage = { runs: { id: number }[]; next_before: number | null };
type EventDetail = { next_fire_times: string[]; last_runs: { id: number }[] };

function insertRun(eventId: string, status: string, scheduledFor: string): number {
  const info = db
    .prepare(
      `INSERT INTO event_runs (event_id, scheduled_for, trigger, status, attempt, payload, started_at, finished_at, duration_ms, output, error, created_at)
       VALUES (?, ?, 'schedule', ?, 1, '{"a":1}', ?, ?, 1200, 'ok', NULL, ?)`,
    )
    .run(eventId, scheduledFor, status, scheduledFor, scheduledFor, scheduledFor);
  return Number(info.lastInsertRowid);
}

function insertUsage(model: string, agent: string | null, eventId: string, cost: number | null, at: string): void {
  db.prepare(
    `INSERT INTO token_usage (run_id, event_id, agent, model, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost_usd, created_at)
     VALUES (NULL, ?, ?, ?, 100, 10, 1, 2, ?, ?)`,
  ).run(eventId, agent, model, cost, at);
}

beforeAll(async () => {
  ({ db, app, close } = await apiFixture());
  // 12 runs of daily (ids 1..12), then 3 of tick (13..15): 1 failed, 1 running.
  for (let i = 1; i <= 12; i++) insertRun("daily", "success", `2026-11-${String(i).padStart(2, "0")}T08:00:00.000Z`);
  insertRun("tick", "failed", "2026-11-23T07:00:00.000Z");
  const running = insertRun("tick", "running", "2026-11-23T08:00:00.000Z");
  const queued = insertRun("tick", "queued", "2026-11-23T09:00:00.000Z");
  const job = db.prepare(
    `INSERT INTO job_queue (run_id, event_id, status, run_at, created_at, updated_at) VALUES (?, 'tick', ?, ?, '2026-11-23T08:00:00.000Z', '2026-11-23T08:00:00.000Z')`,
  );
  job.run(running, "running", "2026-11-23T08:00:00.000Z");
  job.run(queued, "queued", "2026-11-23T09:00:00.000Z"); // ready: before the API's clock (10:00)
  job.run(queued, "queued", "2026-11-23T11:00:00.000Z"); // not yet ready
  insertUsage("claude-sonnet-4-5", "writer", "daily", 0.1, "2026-11-23T08:30:00.000Z");
  insertUsage("claude-sonnet-4-5", "writer", "daily", 0.2, "2026-11-23T09:30:00.000Z");
  insertUsage("mystery-model", null, "tick", null, "2026-11-23T09:45:00.000Z");
  insertUsage("claude-sonnet-4-5", "writer", "daily", 5, "2026-11-22T12:00:00.000Z"); // yesterday
});

afterAll(async () => close());

describe("GET /api/status", () => {
  it("answers the SPEC §10 status shape", async () => {
    const status = await json<{ last_applied_revision: string; last_attempted_revision: string }>("/api/status");
    expect(status).toMatchObject({
      last_result: "applied",
      last_applied_at: "2026-11-23T08:00:00.000Z",
      last_attempted_at: "2026-11-23T08:00:00.000Z",
      errors: [],
      drift: [],
      events: { active: 3, paused: 0, disabled: 1, expired: 0 },
      queue: { queued: 2, running: 1 },
      spend_today_usd: 0.3,
      budget_daily_usd: null,
    });
    expect(status.last_applied_revision).toMatch(/^[0-9a-f]{40}$/);
    expect(status.last_attempted_revision).toBe(status.last_applied_revision);
  });
});

describe("agents and skills", () => {
  it("lists agents without their prompts and shows one with it", async () => {
    const agents = await json<{ name: string }[]>("/api/agents");
    expect(agents.map((a: { name: string }) => a.name)).toEqual(["helper", "writer"]);
    expect(agents[1]).toEqual({
      name: "writer",
      layer: "workspace",
      file: "agents/writer/config.yaml",
      description: "Writes reports.",
      model: "claude-sonnet-4-5",
      skills: ["health-check"],
      mcp_servers: [],
    });
    expect(await json("/api/agents/writer")).toMatchObject({ name: "writer", prompt: "You write.\n", model: "claude-sonnet-4-5" });
    expect(await json("/api/agents/helper")).toMatchObject({ model: null, skills: [], prompt: "You help.\n" });
  });

  it("lists skills and shows one with its instructions", async () => {
    expect(await json("/api/skills")).toEqual([{ name: "health-check", layer: "workspace", file: "skills/health-check.md", description: "Checks health." }]);
    expect(await json("/api/skills/health-check")).toMatchObject({ name: "health-check", instructions: "Steps here." });
  });
});

describe("GET /api/events", () => {
  it("lists every event with its computed status", async () => {
    const events = await json<{ id: string; status: string }[]>("/api/events");
    expect(events.map((e: { id: string; status: string }) => `${e.id}:${e.status}`)).toEqual(["daily:active", "flow:fetch:active", "off:disabled", "tick:active"]);
    expect(events[0]).toMatchObject({
      agent: "writer",
      layer: "workspace",
      condition: { type: "cron", expr: "0 9 * * *", timezone: "Europe/Paris" },
      next_fire_at: "2026-11-24T08:00:00.000Z",
      consecutive_failures: 0,
      paused_reason: null,
    });
  });

  it("filters by status and by agent, and refuses an unknown status with 400", async () => {
    expect((await json<{ id: string }[]>("/api/events?status=disabled")).map((e: { id: string }) => e.id)).toEqual(["off"]);
    expect((await json("/api/events?status=paused"))).toEqual([]);
    expect((await json<{ id: string }[]>("/api/events?agent=writer")).map((e: { id: string }) => e.id)).toEqual(["daily"]);
    expect((await json("/api/events?agent=writer&status=disabled"))).toEqual([]);
    const bad = await json("/api/events?status=sleeping", 400);
    expect(bad).toEqual({ error: "bad_request", message: expect.stringMatching(/status must be one of active, paused, disabled, expired/) as unknown });
  });

  it("shows one event with its next five fire times and its last ten runs", async () => {
    const daily = await json<EventDetail>("/api/events/daily");
    expect(daily.next_fire_times).toEqual(["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"].map((d) => `${d}T08:00:00.000Z`));
    expect(daily.last_runs.map((r: { id: number }) => r.id)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(daily.last_runs[0]).toMatchObject({ event_id: "daily", status: "success", attempt: 1, duration_ms: 1200, output: "ok", error: null });
    expect((await json<EventDetail>("/api/events/tick")).next_fire_times).toEqual(["09", "10", "11", "12", "13"].map((h) => `2026-11-23T${h}:00:00.000Z`));
    // A disabled event fires never.
    expect((await json<EventDetail>("/api/events/off")).next_fire_times).toEqual([]);
  });
});

describe("GET /api/runs", () => {
  const ids = (page: { runs: { id: number }[] }) => page.runs.map((r) => r.id);

  it("pages newest first with next_before as the cursor", async () => {
    const first = await json<RunPage>("/api/runs?limit=6");
    expect(ids(first)).toEqual([15, 14, 13, 12, 11, 10]);
    expect(first.next_before).toBe(10);
    const second = await json<RunPage>(`/api/runs?limit=6&before=${String(first.next_before)}`);
    expect(ids(second)).toEqual([9, 8, 7, 6, 5, 4]);
    const last = await json<RunPage>(`/api/runs?limit=6&before=${String(second.next_before)}`);
    expect(ids(last)).toEqual([3, 2, 1]);
    expect(last.next_before).toBeNull();
    const all = await json<RunPage>("/api/runs");
    expect(all.runs).toHaveLength(15);
    expect(all.next_before).toBeNull();
    expect(all.runs[0]).toMatchObject({ id: 15, event_id: "tick", status: "queued", trigger: "schedule", scheduled_for: "2026-11-23T09:00:00.000Z" });
  });

  it("filters by event and status", async () => {
    expect(ids(await json<RunPage>("/api/runs?event=tick"))).toEqual([15, 14, 13]);
    expect(ids(await json<RunPage>("/api/runs?status=failed"))).toEqual([13]);
    expect(ids(await json<RunPage>("/api/runs?event=daily&status=failed"))).toEqual([]);
    expect(ids(await json<RunPage>("/api/runs?event=daily&limit=2&before=5"))).toEqual([4, 3]);
  });

  it("refuses a bad status, limit or cursor with 400", async () => {
    for (const query of ["status=done", "limit=0", "limit=501", "limit=ten", "before=-1"]) {
      expect((await json<ErrorBody>(`/api/runs?${query}`, 400)).error).toBe("bad_request");
    }
    expect(ids(await json<RunPage>("/api/runs?limit=500"))).toHaveLength(15);
  });

  it("shows one run with its payload", async () => {
    expect(await json("/api/runs/13")).toMatchObject({ id: 13, event_id: "tick", status: "failed", payload: '{"a":1}', trigger: "schedule" });
  });
});

describe("queue, usage, flows, registries", () => {
  it("counts jobs per state and the ready ones", async () => {
    expect(await json("/api/queue")).toEqual({ queued: 2, running: 1, success: 0, failed: 0, cancelled: 0, ready: 1 });
  });

  it("sums usage since today's UTC midnight by default, with since and until", async () => {
    const today = await json("/api/usage");
    expect(today).toMatchObject({
      since: "2026-11-23T00:00:00.000Z",
      until: null,
      total: { input_tokens: 300, output_tokens: 30, cache_creation_input_tokens: 3, cache_read_input_tokens: 6, cost_usd: 0.3, unpriced_calls: 1 },
      by_model: [
        { model: "claude-sonnet-4-5", cost_usd: 0.3, input_tokens: 200 },
        { model: "mystery-model", cost_usd: 0, unpriced_calls: 1 },
      ],
      by_agent: [{ agent: "writer", cost_usd: 0.3 }, { agent: null }],
      by_event: [{ event: "daily", cost_usd: 0.3 }, { event: "tick" }],
      by_day: [{ day: "2026-11-23", cost_usd: 0.3 }],
    });
    const window = await json<{ total: unknown; by_day: { day: string }[] }>("/api/usage?since=2026-11-22T00:00:00.000Z&until=2026-11-23T09:00:00.000Z");
    expect(window.total).toMatchObject({ cost_usd: 5.1, input_tokens: 200 });
    expect(window.by_day.map((d: { day: string }) => d.day)).toEqual(["2026-11-22", "2026-11-23"]);
    expect((await json<{ total: { cost_usd: number } }>("/api/usage?since=2026-11-22")).total.cost_usd).toBe(5.3);
    expect((await json<ErrorBody>("/api/usage?since=yesterday", 400)).message).toMatch(/since must be an ISO 8601/);
    expect((await json<ErrorBody>("/api/usage?since=2026-11-23&until=2026-11-22", 400)).message).toMatch(/until must not be before since/);
  });

  it("lists flows with their trigger and step ids", async () => {
    expect(await json("/api/flows")).toEqual([
      { name: "fetch", layer: "workspace", file: "flows/fetch.yaml", description: "Fetches.", trigger: { type: "interval", expr: "1h" }, steps: ["get", "tell"] },
    ]);
  });

  it("shows a registry's fields and entries", async () => {
    expect(await json("/api/registries/suppliers")).toEqual({
      name: "suppliers",
      layer: "workspace",
      file: "registries/suppliers.yaml",
      fields: { name: { type: "string", required: true } },
      entries: [{ name: "Parts Ltd" }],
    });
  });
});

describe("unknown ids", () => {
  it.each([
    ["/api/agents/nobody", "agent"],
    ["/api/skills/nothing", "skill"],
    ["/api/events/never", "event"],
    ["/api/runs/999", "run"],
    ["/api/runs/abc", "run"],
    ["/api/registries/none", "registry"],
  ])("%s answers 404 not_found", async (url, kind) => {
    const body = await json(url, 404);
    expect(body).toEqual({ error: "not_found", message: expect.stringContaining(`no ${kind} `) as unknown });
  });
});

describe("no data without the token", () => {
  /** Every GET route, read from fastify's own route tree (":param" segments filled with a known id). */
  function getRoutes(): string[] {
    const out: string[] = [];
    const stack: { depth: number; path: string }[] = [];
    for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
      const match = /^([│ ├└─]*)(\S+) \(([^)]*)\)$/.exec(line);
      if (!match) continue;
      const depth = (match[1] ?? "").length;
      while (stack.length > 0 && (stack[stack.length - 1]?.depth ?? 0) >= depth) stack.pop();
      const path = (stack[stack.length - 1]?.path ?? "") + (match[2] ?? "");
      stack.push({ depth, path });
      if ((match[3] ?? "").split(", ").includes("GET")) out.push(path);
    }
    return out;
  }

  it("answers no GET route but health with 2xx without a valid token", async () => {
    const routes = getRoutes();
    const ours = ["/api/status", "/api/agents", "/api/agents/:name", "/api/skills", "/api/skills/:name", "/api/events", "/api/events/:id", "/api/runs", "/api/runs/:id"];
    expect(routes).toEqual(expect.arrayContaining([...ours, "/api/queue", "/api/usage", "/api/flows", "/api/registries/:name", "/api/health"]));
    const ids: Record<string, string> = { ":name": "writer", ":id": "1" };
    for (const route of routes) {
      const url = route.replace(/:[a-z]+/g, (param) => ids[param] ?? "x");
      if (url === "/api/health") continue;
      // The page's shell (index.html, its assets) is public and holds no data: it signs in, then asks /api.
      if (!url.startsWith("/api") && url !== "/metrics") {
        const page = await app.inject({ url });
        expect([200, 404, 503], url).toContain(page.statusCode);
        if (page.statusCode === 200) expect(String(page.headers["content-type"]), url).toMatch(/text\/html|javascript|css/);
        continue;
      }
      for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: "Basic k-api-test" }]) {
        const response = await app.inject({ url, headers });
        expect(response.statusCode, `${url} with ${JSON.stringify(headers)}`).toBeGreaterThanOrEqual(400);
      }
      // The same URL answers with the token (so the 401 above is the auth hook, not a missing route).
      expect((await app.inject({ url, headers: auth })).statusCode, url).not.toBe(401);
    }
  });
});
