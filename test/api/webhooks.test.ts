import { join } from "node:path";
import type { Database } from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { decodeWebhookSecret } from "../../controller/api/webhooks.js";
import { claimJob } from "../../controller/queue/claim-job.js";
import { enqueueRun } from "../../controller/queue/enqueue-run.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { pruneWebhookIds } from "../../controller/store/prune-runs.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { planOf, recordStatements, tableScans } from "../support/query-plans.js";
import { baseWorkspace } from "../support/tree.js";

beforeAll(() => isolateGit());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const t0 = Date.parse("2026-11-23T10:00:00.000Z");
const secret = `whsec_${Buffer.from("a signing key of thirty-two bytes").toString("base64")}`;
/** A provider's secret without the prefix: base64 all the same, as the official library reads it. */
const bareSecret = Buffer.from("a bare provider key").toString("base64");
const workspace = {
  ...baseWorkspace,
  // These deliveries are about signatures: each is queued, whatever runs are waiting (overlap: allow).
  "events/deploy.yaml": 'condition: {type: webhook, secret: "${HOOK_SECRET}"}\naction: {type: script, command: echo deployed}\npolicy: {overlap: allow}\n',
  "events/plain.yaml": 'condition: {type: webhook, secret: "${PLAIN_SECRET}"}\naction: {type: script, command: echo plain}\npolicy: {overlap: allow}\n',
  "events/nokey.yaml": 'condition: {type: webhook, secret: "${NOT_SET_SECRET}"}\naction: {type: script, command: echo nokey}\n',
  "events/text-key.yaml": 'condition: {type: webhook, secret: "${NOT_BASE64_SECRET}"}\naction: {type: script, command: echo text}\n',
  "events/off.yaml": 'enabled: false\ncondition: {type: webhook, secret: "${HOOK_SECRET}"}\naction: {type: script, command: echo off}\n',
  "events/hourly.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: echo hourly}\n",
};

async function server(options: { db?: string } = {}) {
  const ws = gitWorkspace(workspace);
  const path = options.db ?? join(tempDir(), "n.db");
  const db = openDatabase(path);
  const applied = await reconcile(sqliteSql(db), { dir: ws.dir, frameworkDir: null, now: new Date(t0) });
  expect(applied.result).toBe("applied");
  const clock = new FakeClock(t0);
  const queued: number[] = [];
  const app = await buildServer({ sql: sqliteSql(db), apiKey: "k-123", env: { HOOK_SECRET: secret, PLAIN_SECRET: bareSecret, NOT_BASE64_SECRET: "plain text secret" }, clock, onRunQueued: (id) => queued.push(id) });
  cleanup.push(() => void db.close(), () => app.close());
  return { db, app, clock, queued, path };
}

let sequence = 0;
/** A request signed by the standardwebhooks library; `tamper` changes it after signing. */
function signed(event: string, body: string, options: { id?: string; at?: number; key?: Webhook; tamper?: (r: { body: string; headers: Record<string, string> }) => void } = {}) {
  const id = options.id ?? `msg_${++sequence}`;
  const at = new Date(options.at ?? t0);
  const signature = (options.key ?? new Webhook(secret)).sign(id, at, body);
  const request = {
    body,
    headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature } as Record<string, string>,
  };
  options.tamper?.(request);
  return { method: "POST" as const, url: `/hooks/${event}`, payload: request.body, headers: request.headers };
}

const runs = (db: Database) => db.prepare("SELECT id, event_id, trigger, status, payload FROM event_runs ORDER BY id").all() as { id: number; event_id: string; trigger: string; status: string; payload: string | null }[];
const post = (app: FastifyInstance, request: ReturnType<typeof signed>) => app.inject(request);

describe("POST /hooks/:event", () => {
  it("accepts a webhook signed by the standardwebhooks library, without a bearer token, and queues a run with the body as payload", async () => {
    const { app, db, queued } = await server();
    const res = await post(app, signed("deploy", JSON.stringify({ ref: "main", sha: "abc" })));
    expect(res.statusCode).toBe(202);
    const body = res.json<{ run_id: number; event_id: string; status: string }>();
    expect(body).toEqual({ run_id: expect.any(Number), event_id: "deploy", status: "queued" });
    expect(queued).toEqual([body.run_id]);
    expect(runs(db)).toEqual([{ id: body.run_id, event_id: "deploy", trigger: "webhook", status: "queued", payload: JSON.stringify({ ref: "main", sha: "abc" }) }]);
    expect(db.prepare("SELECT status FROM job_queue WHERE run_id = ?").pluck().get(body.run_id)).toBe("queued");
  });

  it("takes a body that is not JSON as text, whatever its content type; a secret without whsec_ is base64 as the library reads it", async () => {
    const { app, db } = await server();
    const res = await post(app, signed("plain", "hello, <b>world</b>", { key: new Webhook(bareSecret), tamper: (r) => (r.headers["content-type"] = "text/html") }));
    expect(res.statusCode).toBe(202);
    expect(runs(db)[0]?.payload).toBe(JSON.stringify("hello, <b>world</b>"));
    // Another content type, form data, kept as the exact bytes.
    const form = await post(app, signed("plain", "a=1&b=2", { key: new Webhook(bareSecret), tamper: (r) => (r.headers["content-type"] = "application/x-www-form-urlencoded") }));
    expect(form.statusCode).toBe(202);
    expect(runs(db)[1]?.payload).toBe(JSON.stringify("a=1&b=2"));
  });

  it("accepts any of several signatures, and one within the 5-minute window either way", async () => {
    const { app } = await server();
    const several = signed("deploy", "{}", { tamper: (r) => (r.headers["webhook-signature"] = `v1,${Buffer.alloc(32).toString("base64")} v2,zzz ${r.headers["webhook-signature"]}`) });
    expect((await post(app, several)).statusCode).toBe(202);
    expect((await post(app, signed("deploy", "{}", { at: t0 - 299_000 }))).statusCode).toBe(202);
    expect((await post(app, signed("deploy", "{}", { at: t0 + 299_000 }))).statusCode).toBe(202);
  });

  it("reads a bare secret (no whsec_ prefix) as the official library does: base64, its signatures accepted", async () => {
    const { app } = await server();
    // The library, given the bare secret, signs with its base64-decoded bytes.
    const official = new Webhook(bareSecret);
    expect((await post(app, signed("plain", '{"n": 1}', { key: official }))).statusCode).toBe(202);
    // The same bytes written with the prefix sign the same way.
    expect((await post(app, signed("plain", '{"n": 2}', { key: new Webhook(`whsec_${bareSecret}`) }))).statusCode).toBe(202);
    // Signed with the secret's text as raw bytes (the old reading): refused.
    expect((await post(app, signed("plain", '{"n": 3}', { key: new Webhook(bareSecret, { format: "raw" }) }))).statusCode).toBe(401);
  });

  it("compares signatures as exact base64 text: base64url and unpadded forms are refused with 401", async () => {
    const { app, db } = await server();
    const reencode = (to: (b64: string) => string) => (r: { headers: Record<string, string> }) => {
      r.headers["webhook-signature"] = r.headers["webhook-signature"]?.replace(/^v1,(.*)$/, (_m, b64: string) => `v1,${to(b64)}`) ?? "";
    };
    // A body whose signature has "+" or "/" in it, so base64url differs from base64 (and any has "=").
    let body = "";
    let sig = "";
    for (let n = 0; !/[+/]/.test(sig); n++) {
      body = JSON.stringify({ n });
      sig = new Webhook(secret).sign("msg_fixed", new Date(t0), body);
    }
    const forms = [
      (b64: string) => Buffer.from(b64, "base64").toString("base64url"), // base64url, unpadded
      (b64: string) => b64.replace(/\+/g, "-").replace(/\//g, "_"), // base64url, padded
      (b64: string) => b64.replace(/=+$/, ""), // base64, unpadded
      (b64: string) => `${b64}=`, // over-padded
    ];
    for (const [i, form] of forms.entries()) {
      const res = await post(app, signed("deploy", body, { id: `msg_form_${i}`, tamper: reencode(form) }));
      expect(res.statusCode, `form ${i}`).toBe(401);
    }
    expect(runs(db)).toEqual([]);
    // The exact text is accepted.
    expect((await post(app, signed("deploy", body, { id: "msg_form_exact" }))).statusCode).toBe(202);
  });

  it("accepts the matching one of several space-separated v1 signatures, wherever it stands", async () => {
    const { app } = await server();
    const other = new Webhook(`whsec_${Buffer.from("an older rotated key").toString("base64")}`);
    for (const [i, order] of ["first", "middle", "last"].entries()) {
      const id = `msg_multi_${i}`;
      const good = new Webhook(secret).sign(id, new Date(t0), "{}");
      const stale = other.sign(id, new Date(t0), "{}");
      const header = order === "first" ? `${good} ${stale}` : order === "middle" ? `${stale} ${good} v1a,abc` : `v2,zzz ${stale} ${good}`;
      const res = await post(app, signed("deploy", "{}", { id, tamper: (r) => (r.headers["webhook-signature"] = header) }));
      expect(res.statusCode, order).toBe(202);
    }
  });

  it("rejects a tampered body, a stale or future timestamp, a wrong secret and missing headers with 401, queueing nothing", async () => {
    const { app, db, queued } = await server();
    const cases = [
      signed("deploy", '{"amount": 1}', { tamper: (r) => (r.body = '{"amount": 1000}') }),
      signed("deploy", "{}", { at: t0 - 301_000 }),
      signed("deploy", "{}", { at: t0 + 301_000 }),
      // A stale request re-signed with a fresh timestamp header but the old signature.
      signed("deploy", "{}", { at: t0 - 600_000, tamper: (r) => (r.headers["webhook-timestamp"] = String(t0 / 1000)) }),
      signed("deploy", "{}", { key: new Webhook(`whsec_${Buffer.from("another key").toString("base64")}`) }),
      signed("deploy", "{}", { tamper: (r) => delete r.headers["webhook-signature"] }),
      signed("deploy", "{}", { tamper: (r) => delete r.headers["webhook-id"] }),
      signed("deploy", "{}", { tamper: (r) => (r.headers["webhook-timestamp"] = "soon") }),
      signed("deploy", "{}", { tamper: (r) => (r.headers["webhook-signature"] = "v1,not-base64!") }),
    ];
    for (const request of cases) {
      const res = await post(app, request);
      expect(res.statusCode, JSON.stringify(request.headers)).toBe(401);
      expect(res.json()).toMatchObject({ error: "unauthorized" });
    }
    expect(runs(db)).toEqual([]);
    expect(queued).toEqual([]);
  });

  it("rejects a replayed webhook id with 409, also after a restart, and forgets ids once out of the window", async () => {
    const { app, db, path, clock } = await server();
    const request = signed("deploy", '{"n": 1}', { id: "msg_replayed" });
    expect((await post(app, request)).statusCode).toBe(202);
    const again = await post(app, request);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: "replayed" });
    // The same id for another event is another message.
    expect((await post(app, signed("plain", "{}", { id: "msg_replayed", key: new Webhook(bareSecret) }))).statusCode).toBe(202);

    // A restart: a new server on the same database file still knows the id.
    await app.close();
    db.close();
    const db2 = openDatabase(path);
    cleanup.push(() => void db2.close());
    const app2 = await buildServer({ sql: sqliteSql(db2), apiKey: "k-123", env: { HOOK_SECRET: secret }, clock });
    cleanup.push(() => app2.close());
    expect((await post(app2, request)).statusCode).toBe(409);
    expect(runs(db2).filter((r) => r.event_id === "deploy")).toHaveLength(1);

    // Ten minutes on, the id is forgotten: the same id with a fresh timestamp is a new message.
    // Nothing is deleted on the webhook's path; retention deletes expired ids in its own batches.
    await clock.advance(11 * 60_000);
    const later = signed("deploy", '{"n": 2}', { id: "msg_replayed", at: t0 + 11 * 60_000 });
    expect((await post(app2, later)).statusCode).toBe(202);
    expect((await post(app2, later)).statusCode).toBe(409);
    const ids = () => db2.prepare("SELECT webhook_id FROM webhook_ids WHERE event_id = 'deploy'").pluck().all();
    expect(ids()).toEqual(["msg_replayed"]);
    expect(db2.prepare("SELECT count(*) FROM webhook_ids").pluck().get()).toBe(2);
    expect(await pruneWebhookIds(sqliteSql(db2), new Date(t0 + 60_000), 100)).toBe(1);
    expect(db2.prepare("SELECT event_id FROM webhook_ids").pluck().all()).toEqual(["deploy"]);
  });

  it("takes a delivery through indexes alone, however long the queue: no statement scans a table or deletes, and the claim it prompts skips jobs behind a busy key", async () => {
    const { path, db: seeding } = await server();
    const now = new Date(t0);
    // A backlog behind one busy key, as `overlap: queue` builds when deliveries outpace the runs.
    for (let i = 0; i < 50; i++) await enqueueRun(sqliteSql(seeding), { eventId: "deploy", scheduledFor: now, trigger: "webhook", runAt: now, priority: 5, maxAttempts: 3, concurrencyKey: "event:deploy" }, now);
    expect(await claimJob(sqliteSql(seeding), "busy-worker", now, 60_000)).toBeDefined();
    // A fresh connection prepares every statement anew, so all that the delivery runs is recorded.
    const db = openDatabase(path);
    cleanup.push(() => void db.close());
    const statements = recordStatements(db);
    // The controller pokes its workers when a webhook queued a run: a claim follows each delivery.
    const app = await buildServer({ sql: sqliteSql(db), apiKey: "k-123", env: { HOOK_SECRET: secret }, clock: new FakeClock(t0), onRunQueued: () => void claimJob(sqliteSql(db), "w", now, 60_000) });
    cleanup.push(() => app.close());
    expect((await post(app, signed("deploy", "{}"))).statusCode).toBe(202);

    expect(statements.length).toBeGreaterThan(3);
    expect(statements.filter((sql) => /\bDELETE\b/i.test(sql))).toEqual([]);
    for (const sql of statements) expect(tableScans(planOf(db, sql)), sql).toEqual([]);
    const claim = statements.find((sql) => /UPDATE job_queue\s+SET status = 'running'/.test(sql));
    expect(claim).toBeDefined();
    expect(planOf(db, claim ?? "")).toMatch(/SEARCH h USING COVERING INDEX job_queue_keyed \(concurrency_key=\?\)/);
  });

  it("answers 404 for an unknown event and for one whose condition is not webhook", async () => {
    const { app } = await server();
    for (const event of ["nope", "hourly"]) {
      const res = await post(app, signed(event, "{}"));
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: "not_found" });
    }
  });

  it("answers 409 for a paused or disabled event, queueing nothing", async () => {
    const { app, db } = await server();
    db.prepare("UPDATE events SET paused = 1, paused_reason = 'by hand' WHERE name = 'deploy'").run();
    const paused = await post(app, signed("deploy", "{}"));
    expect(paused.statusCode).toBe(409);
    expect(paused.json()).toMatchObject({ error: "paused" });
    const off = await post(app, signed("off", "{}"));
    expect(off.statusCode).toBe(409);
    expect(off.json()).toMatchObject({ error: "disabled" });
    expect(runs(db)).toEqual([]);
  });

  it("answers 500 naming the variable (never a value) when the secret's environment variable is not set", async () => {
    const { app, db } = await server();
    const res = await post(app, signed("nokey", "{}"));
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error: "secret_missing", message: expect.stringContaining("NOT_SET_SECRET") });
    expect(res.body).not.toContain(secret);
    expect(runs(db)).toEqual([]);
  });

  it("answers 500 naming the variable (never a value) when the secret is not base64", async () => {
    const { app, db } = await server();
    const res = await post(app, signed("text-key", "{}", { key: new Webhook("plain text secret", { format: "raw" }) }));
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error: "secret_missing", message: expect.stringContaining("NOT_BASE64_SECRET") });
    expect(res.body).not.toContain("plain text secret");
    expect(runs(db)).toEqual([]);
  });

  it("refuses a body over 256 KiB with 413", async () => {
    const { app, db } = await server();
    const big = JSON.stringify({ blob: "x".repeat(256 * 1024) });
    const res = await post(app, signed("deploy", big));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: "payload_too_large" });
    expect(runs(db)).toEqual([]);
    // Just under the limit is fine.
    expect((await post(app, signed("deploy", JSON.stringify({ blob: "x".repeat(200 * 1024) })))).statusCode).toBe(202);
  });

  it("takes an empty body as a null payload", async () => {
    const { app, db } = await server();
    const res = await post(app, signed("deploy", "", { tamper: (r) => delete r.headers["content-type"] }));
    expect(res.statusCode).toBe(202);
    expect(runs(db)[0]?.payload).toBeNull();
  });

  it("leaves other routes behind the bearer token", async () => {
    const { app } = await server();
    expect((await app.inject("/metrics")).statusCode).toBe(401);
    expect((await app.inject({ method: "GET", url: "/hooks/deploy" })).statusCode).toBe(404);
  });
});

describe("decodeWebhookSecret", () => {
  it("strips whsec_ and decodes standard base64, padded or not; refuses other text", () => {
    const bytes = Buffer.from("0123456789abcdef0123456789abcdef");
    const b64 = bytes.toString("base64");
    for (const form of [b64, `whsec_${b64}`, b64.replace(/=+$/, ""), `whsec_${b64.replace(/=+$/, "")}`]) expect(decodeWebhookSecret(form), form).toEqual(bytes);
    for (const bad of ["", "whsec_", "plain text secret", "abc", "a-b_cdef", "whsec_!!!!", "abcde"]) expect(decodeWebhookSecret(bad), bad).toBeNull();
  });
});
