// The status API on both store backends (issue 16): one workspace reconciled into SQLite and into
// PostgreSQL, one signed webhook queued through each, and every read route answering the same.
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { isolateGit } from "../cli/helpers.js";
import { testOn } from "../store/backends.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { sample } from "../support/metric-sample.js";
import { storeBackends } from "../support/store-backends.js";
import { apiWorkspace, auth, now, token } from "./fixture.js";

beforeAll(() => isolateGit());

const secret = `whsec_${Buffer.from("a signing key of thirty-two bytes").toString("base64")}`;
const workspace = { ...apiWorkspace, "events/deploy.yaml": 'condition: {type: webhook, secret: "${HOOK_SECRET}"}\naction: {type: script, command: echo deployed}\n' };

function signed(id: string, body: string) {
  const headers = { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, now, body) };
  return { method: "POST" as const, url: "/hooks/deploy", payload: body, headers };
}

const reads = [
  "/api/health",
  "/api/status",
  "/api/agents",
  "/api/agents/writer",
  "/api/skills",
  "/api/skills/health-check",
  "/api/flows",
  "/api/registries/suppliers",
  "/api/events",
  "/api/events/deploy",
  "/api/events?status=disabled",
  "/api/runs",
  "/api/runs/1",
  "/api/queue",
  "/api/usage",
  "/api/revisions",
];
/** Each backend's answers, the revision (a commit of its own workspace) written as <rev>. */
const answers = new Map<string, Record<string, unknown>>();

describe.each(storeBackends)("the API on $name", ({ name, missing, open }) => {
  const it = testOn(missing);

  it("answers health, definitions, events, runs, queue and /metrics from the store, and a signed webhook queues a run there", async () => {
    const sql = await open();
    const ws = gitWorkspace(workspace);
    const applied = await reconcile(sql, { dir: ws.dir, frameworkDir: null, now: new Date("2026-11-23T08:00:00.000Z") });
    if (applied.result !== "applied") throw new Error(`not applied: ${JSON.stringify(applied)}`);
    const queued: number[] = [];
    const app = await buildServer({ sql, apiKey: token, env: { HOOK_SECRET: secret }, clock: new FakeClock(now.getTime()), uiDir: null, onRunQueued: (id) => queued.push(id) });
    try {
      expect((await app.inject("/api/health")).json()).toEqual({ status: "ok", database: "ok", last_applied_revision: applied.revision, last_result: "applied" });

      const delivery = await app.inject(signed("msg_1", '{"ref": "main"}'));
      expect(delivery.statusCode).toBe(202);
      expect(delivery.json()).toEqual({ run_id: 1, event_id: "deploy", status: "queued" });
      expect(queued).toEqual([1]);
      // The id is remembered in this store; overlap: skip (the default) holds a second delivery back.
      expect((await app.inject(signed("msg_1", '{"ref": "main"}'))).statusCode).toBe(409);
      expect((await app.inject(signed("msg_2", "{}"))).json()).toEqual({ skipped: expect.stringContaining("overlap: skip"), event_id: "deploy" });

      const get = async (url: string) => {
        const res = await app.inject({ url, headers: auth });
        expect(res.statusCode, url).toBe(200);
        return JSON.parse(res.body.replaceAll(applied.revision, "<rev>")) as Record<string, unknown>;
      };
      const got: Record<string, unknown> = {};
      for (const url of reads) got[url] = await get(url);
      expect((got["/api/agents"] as { name: string }[]).map((a) => a.name)).toEqual(["helper", "writer"]);
      expect(got["/api/queue"]).toEqual({ queued: 1, running: 0, success: 0, failed: 0, cancelled: 0, ready: 1 });
      expect(got["/api/runs/1"]).toMatchObject({ id: 1, event_id: "deploy", trigger: "webhook", status: "queued", payload: '{"ref":"main"}' });
      expect((got["/api/events"] as unknown as { id: string; status: string }[]).map((e) => `${e.id}:${e.status}`)).toEqual(["daily:active", "deploy:active", "flow:fetch:active", "off:disabled", "tick:active"]);

      const metrics = await app.inject({ url: "/metrics", headers: auth });
      expect(metrics.statusCode).toBe(200);
      for (const [series, value] of [
        ['nexaas_queue_jobs{state="queued"}', 1],
        ["nexaas_queue_ready_jobs", 1],
        ['nexaas_runs{event="deploy",status="queued"}', 1],
        ['nexaas_events{condition="webhook"}', 1],
        ['nexaas_events{condition="interval"}', 3],
        ["nexaas_paused_events", 0],
        ['nexaas_reconcile_last_result{result="applied"}', 1],
        [`nexaas_last_applied_revision_info{revision="${applied.revision}"}`, 1],
        ["nexaas_reconcile_last_applied_timestamp_seconds", Date.parse("2026-11-23T08:00:00.000Z") / 1000],
        ["nexaas_reconcile_errors", 0],
      ] as const) {
        expect(sample(metrics.body, series), series).toBe(value);
      }

      // What SQLite answered, PostgreSQL answers too.
      answers.set(name, got);
      const first = answers.get(storeBackends[0]!.name);
      if (first !== got) expect(got).toEqual(first);
    } finally {
      await app.close();
    }
  });
});
