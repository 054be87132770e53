import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { egressPolicy } from "../../controller/definitions/egress-policy.js";
import { validateWorkspace } from "../../controller/definitions/validate-workspace.js";
import type { Notification } from "../../controller/definitions/schema-types.js";
import { createLogger } from "../../controller/log.js";
import type { Notice } from "../../controller/notify/notice.js";
import { Notifier, type NotifierEvents } from "../../controller/notify/notifier.js";
import { signStandardWebhook } from "../../controller/notify/standard-webhook.js";
import { noticeRunEnded } from "../../controller/notify/controller-notices.js";
import { recordUsage } from "../../controller/store/record-usage.js";
import { upsertObject } from "../../controller/store/write-object.js";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { controllerBackends, openTestStore, startTestController, testOn } from "../support/controller-backends.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { notificationReceiver } from "../support/notification-receiver.js";
import { baseWorkspace, writeTree } from "../support/tree.js";

// Issue 15: notifications to a Slack-compatible webhook and a Standard Webhooks receiver, on loopback.

beforeAll(() => isolateGit());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

const secret = `whsec_${Buffer.from("a notification signing key, 32 bytes!").toString("base64")}`;
const loopback = egressPolicy({ allow: ["127.0.0.1/32"] });

function capturedLog() {
  let text = "";
  const log = createLogger({ LOG_LEVEL: "debug", LOG_FORMAT: "json" }, new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) }));
  return { log, text: () => text };
}

async function receiver(options: Parameters<typeof notificationReceiver>[0] = {}) {
  const r = await notificationReceiver(options);
  cleanup.push(() => r.close());
  return r;
}

function notifier(targets: Notification[], env: NodeJS.ProcessEnv, extra: Partial<ConstructorParameters<typeof Notifier>[0]> = {}) {
  const clock = new FakeClock(Date.now());
  const logged = capturedLog();
  const n = new Notifier({ targets: () => targets, policy: () => loopback, env, log: logged.log, clock, ...extra });
  cleanup.push(() => n.stop(0));
  return { n, clock, logged };
}

const failure = (event: string, text = `run of ${event} failed`): Notice => ({ kind: "run_failed", subject: `event:${event}`, key: `event:${event}`, text, data: { event_id: event } });
const next = <K extends keyof NotifierEvents>(n: Notifier, name: K) => once(n, name) as Promise<NotifierEvents[K]>;

describe("the notifier", () => {
  it("posts {text} to a Slack target, and a Standard Webhooks signed body to a webhook target that the standardwebhooks library verifies", async () => {
    const r = await receiver();
    const { n } = notifier(
      [
        { name: "ops-slack", type: "slack", url: "${SLACK_URL}", on: ["run_failed"] },
        { name: "pager", type: "webhook", url: "${HOOK_URL}", secret: "${HOOK_SECRET}", on: ["run_failed", "recovered"] },
      ],
      { SLACK_URL: r.url("/slack/T000/B000/XXXX"), HOOK_URL: r.url("/hook"), HOOK_SECRET: secret },
    );
    n.notify(failure("nightly", "nexaas: run 3 of event nightly failed for good"));
    const got = await r.waitFor(2);
    const slack = got.find((g) => g.path.startsWith("/slack"));
    const hook = got.find((g) => g.path === "/hook");
    expect(JSON.parse(slack?.body ?? "")).toEqual({ text: "nexaas: run 3 of event nightly failed for good" });
    expect(slack?.headers["webhook-signature"]).toBeUndefined();
    if (!hook) throw new Error("no webhook request");
    const verified: unknown = new Webhook(secret).verify(hook.body, {
      "webhook-id": String(hook.headers["webhook-id"]),
      "webhook-timestamp": String(hook.headers["webhook-timestamp"]),
      "webhook-signature": String(hook.headers["webhook-signature"]),
    });
    expect(verified).toMatchObject({ type: "nexaas.run_failed", timestamp: expect.any(String), data: { target: "pager", kind: "run_failed", subject: "event:nightly", event_id: "nightly" } });
    expect(hook.headers["content-type"]).toBe("application/json");
    // A tampered body fails verification: the signature covers it.
    expect(() => new Webhook(secret).verify(hook.body.replace("nightly", "daily"), hook.headers as Record<string, string>)).toThrow();
  });

  it("signs as the library does with a bare base64 secret too", () => {
    const bare = Buffer.from("another key of some length").toString("base64");
    const body = JSON.stringify({ a: 1 });
    const headers = signStandardWebhook(bare, body, new Date());
    expect(headers).toBeDefined();
    expect(new Webhook(bare).verify(body, headers ?? {})).toEqual({ a: 1 });
  });

  it("deduplicates the same kind and subject within the window, and a recovery makes the next failure news again", async () => {
    const r = await receiver();
    const { n, clock } = notifier([{ name: "ops", type: "slack", url: "${URL}", on: ["run_failed", "recovered"] }], { URL: r.url("/s") });
    const suppressed = next(n, "suppressed");
    n.notify(failure("a"));
    n.notify(failure("a"));
    expect((await suppressed)[0]).toMatchObject({ kind: "run_failed", reason: "duplicate" });
    await r.waitFor(1);
    n.recovered("event:b", "b is fine"); // nothing was wrong with b: no notice
    n.recovered("event:a", "a is fine again");
    await r.waitFor(2);
    n.notify(failure("a"));
    await r.waitFor(3);
    expect(r.received.map((g) => (JSON.parse(g.body) as { text: string }).text)).toEqual(["run of a failed", "a is fine again", "run of a failed"]);
    // After the window the same failure is sent again.
    await clock.advance(16 * 60_000);
    n.notify({ ...failure("c") });
    n.notify({ ...failure("a") });
    await r.waitFor(5);
  });

  it("reads targets and policy as promises (from the store): notices keep their order, a recovery asked at once follows its failure, a failed read drops the notice with a warning", async () => {
    const r = await receiver();
    const targets: Notification[] = [{ name: "ops", type: "slack", url: "${URL}", on: ["run_failed", "recovered"] }];
    let down = false;
    const read = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (down) throw new Error("the store is down");
      return targets;
    };
    const { n, logged } = notifier([], { URL: r.url("/s") }, { targets: read, policy: () => Promise.resolve(loopback) });
    n.notify(failure("a"));
    // Asked before the failure's targets were read: still sent to the target told of the failure.
    n.recovered("event:a", "a is fine again");
    n.notify(failure("b"));
    await r.waitFor(3);
    expect(r.received.map((g) => (JSON.parse(g.body) as { text: string }).text)).toEqual(["run of a failed", "a is fine again", "run of b failed"]);
    down = true;
    n.notify(failure("c"));
    await n.stop(0);
    expect(logged.text()).toContain("notification targets not read: notice dropped");
    expect(r.received).toHaveLength(3);
  });

  it("rate-limits per target, then sends one summary of what it held back at the window's end", async () => {
    const r = await receiver();
    const { n, clock } = notifier([{ name: "ops", type: "slack", url: "${URL}", on: ["run_failed", "event_paused"] }], { URL: r.url("/s") }, { rateLimit: { limit: 2, windowMs: 60_000 } });
    for (const event of ["a", "b", "c", "d", "e"]) n.notify(failure(event));
    n.notify({ kind: "event_paused", subject: "event:e", key: "event:e", text: "e paused", data: {} });
    await r.waitFor(2);
    const summary = next(n, "sent");
    await clock.advance(60_000);
    expect((await summary)[0]).toEqual({ target: "ops", kind: "summary" });
    const texts = r.received.map((g) => (JSON.parse(g.body) as { text: string }).text);
    expect(texts).toHaveLength(3);
    expect(texts[2]).toBe("nexaas: 4 more notifications held back by the rate limit (run_failed ×3, event_paused ×1); see the controller's log and `nexaas runs`");
  });

  it("never blocks the caller: a target that hangs times out on its own queue, and other targets still get theirs", async () => {
    const hanging = await receiver({ hang: true });
    const fine = await receiver();
    const { n, clock } = notifier(
      [
        { name: "slow", type: "slack", url: "${SLOW}", on: ["run_failed"] },
        { name: "fast", type: "slack", url: "${FAST}", on: ["run_failed"] },
      ],
      { SLOW: hanging.url("/s"), FAST: fine.url("/f") },
      { timeoutMs: 5_000 },
    );
    const failed = next(n, "failed");
    const started = performance.now();
    n.notify(failure("a"));
    expect(performance.now() - started).toBeLessThan(20);
    await fine.waitFor(1);
    await hanging.waitFor(1);
    await clock.advance(5_000);
    expect((await failed)[0]).toEqual({ target: "slow", kind: "run_failed", error: "timed out" });
  });

  it("masks the URL's secret in errors and logs, and says which variable is missing", async () => {
    const token = "T0KEN-s3cr3t-9f8e7d";
    const { n, logged } = notifier(
      [
        { name: "refused", type: "slack", url: "${REFUSED_URL}", on: ["run_failed"] },
        { name: "unset", type: "webhook", url: "${UNSET_URL}", secret: "${UNSET_SECRET}", on: ["run_failed"] },
      ],
      { REFUSED_URL: `http://169.254.169.254/services/${token}` },
    );
    const errors: NotifierEvents["failed"][0][] = [];
    n.on("failed", (f) => errors.push(f));
    n.notify(failure("a"));
    await new Promise<void>((resolve) => n.on("failed", () => errors.length === 2 && resolve()));
    const byTarget = Object.fromEntries(errors.map((e) => [e.target, e.error]));
    expect(byTarget.refused).toContain("cloud metadata");
    expect(byTarget.unset).toBe("url: environment variable UNSET_URL is not set (referenced as ${UNSET_URL})");
    expect(JSON.stringify(errors)).not.toContain(token);
    expect(logged.text()).toContain("notification not sent");
    expect(logged.text()).not.toContain(token);
  });
});

// The notices that read the store (the day's spend, the live nexaas.yaml), on both backends (issue 16).
describe.each(controllerBackends)("notifications from the store, on $name", (backend) => {
  const it = testOn(backend);

  it("budget_reached: once the day's spend reaches budget.daily_usd after a run, once per UTC day", async () => {
    const r = await receiver();
    const { n, clock } = notifier([{ name: "ops", type: "slack", url: "${URL}", on: ["budget_reached"] }], { URL: r.url("/s") });
    const { sql } = await openTestStore(backend.name, cleanup);
    const spec = { name: "ops", budget: { daily_usd: 0.5 } };
    await upsertObject(sql, { kind: "workspace", name: "workspace", layer: "workspace", file: "nexaas.yaml", spec, digest: objectDigest("workspace", spec) }, "r1", clock.now());
    const job = { jobId: 1, runId: 1, eventId: "digest", attempt: 1, maxAttempts: 3, trigger: "schedule" as const, scheduledFor: clock.now().toISOString(), payload: null };
    const spend = (usd: number) =>
      recordUsage(sql, { runId: 1, eventId: "digest", agent: "ops", model: "m", input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, costUsd: usd, priceTableDate: null }, clock.now());
    await spend(0.2);
    await noticeRunEnded(n, sql, clock.now(), job, { status: "success" });
    await spend(0.4);
    await noticeRunEnded(n, sql, clock.now(), job, { status: "success" });
    await noticeRunEnded(n, sql, clock.now(), job, { status: "success" }); // the same day: not again
    await r.waitFor(1);
    await clock.advance(25 * 60 * 60_000); // the next day, still over (the spend above is yesterday's now)
    await spend(0.6);
    await noticeRunEnded(n, sql, clock.now(), job, { status: "success" });
    await r.waitFor(2);
    const texts = r.received.map((g) => (JSON.parse(g.body) as { text: string }).text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/daily budget is reached: \$0\.60 spent today \(UTC\) of \$0\.50/);
  });

  it("run_failed, event_paused, revision_refused and recovered reach the targets of the live nexaas.yaml through its egress policy", { timeout: 30_000 }, async () => {
    const r = await receiver();
    const marker = join(tempDir(), "ok");
    const manifest = [
      "name: test-ops",
      "egress: {allow: [127.0.0.1/32]}",
      "notifications:",
      '  - {name: ops-slack, type: slack, url: "${SLACK_URL}", on: [run_failed, event_paused, revision_refused, recovered]}',
      '  - {name: pager, type: webhook, url: "${HOOK_URL}", secret: "${HOOK_SECRET}", on: [revision_refused, recovered]}',
      "",
    ].join("\n");
    const event = (pauseAfter: number) => `condition: {type: interval, expr: 1m}\naction: {type: script, command: "test -f ${marker}"}\npolicy: {retries: 0, pause_after_failures: ${pauseAfter}}\n`;
    const ws = gitWorkspace({ ...baseWorkspace, "nexaas.yaml": manifest, "events/flaky.yaml": event(5), "events/fragile.yaml": event(1) });
    const clock = new FakeClock(Date.now());
    const env = { PATH: process.env.PATH, SLACK_URL: r.url("/slack"), HOOK_URL: r.url("/hook"), HOOK_SECRET: secret };
    const { controller } = await startTestController(backend.name, { dir: ws.dir, pollMs: 0, driftCheckMs: 0, env, log: capturedLog().log, clock, frameworkDir: null }, cleanup);
    const texts = () => r.received.filter((g) => g.path === "/slack").map((g) => (JSON.parse(g.body) as { text: string }).text);

    // Both events fail; fragile pauses at its first failure.
    const ended = new Promise<void>((resolve) => {
      let count = 0;
      controller.pool.on("finished", () => ++count === 2 && resolve());
    });
    await clock.advance(60_000);
    await ended;
    await r.waitFor(3);
    expect(texts()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nexaas: run \d+ of event flaky failed for good \(attempt 1\): /),
        expect.stringMatching(/^nexaas: run \d+ of event fragile failed for good/),
        "nexaas: event fragile is paused after repeated failures; `nexaas resume fragile` once fixed",
      ]),
    );

    // flaky succeeds again: recovered.
    writeFileSync(marker, "");
    const success = once(controller.pool, "finished");
    await clock.advance(60_000);
    await success;
    await r.waitFor(4);
    expect(texts()[3]).toMatch(/^nexaas: event flaky succeeded again \(run \d+\)$/);

    // A refused revision, then a good one: both targets hear both.
    const refused = once(controller.loop, "reconciled");
    const bad = ws.commit({ "events/broken.yaml": "condition: {type: cron, expr: 'not a cron'}\naction: {type: script, command: 'true'}\n" });
    await refused;
    await r.waitFor(6);
    const applied = once(controller.loop, "reconciled");
    ws.commit({ "events/broken.yaml": null });
    await applied;
    await r.waitFor(8);
    expect(texts().slice(4)).toEqual([expect.stringMatching(new RegExp(`^nexaas: revision ${bad.slice(0, 12)} refused, nothing of it applied .*: 1 error, first events/broken.yaml:1:`)), expect.stringMatching(/^nexaas: revision [0-9a-f]{12} is live/)]);
    const hooks = r.received.filter((g) => g.path === "/hook").map((g) => new Webhook(secret).verify(g.body, g.headers as Record<string, string>));
    expect(hooks).toMatchObject([{ type: "nexaas.revision_refused", data: { revision: bad, error_count: 1 } }, { type: "nexaas.recovered", data: { subject: "revision" } }]);
  });
});

describe("nexaas.yaml notifications, validated", () => {
  const validate = async (targets: string[]) => {
    const dir = tempDir();
    writeTree(dir, { ...baseWorkspace, "nexaas.yaml": ["name: test-ops", "notifications:", ...targets, ""].join("\n") });
    const result = await validateWorkspace({ dir, now: new Date(), frameworkDir: null });
    return result.diagnostics.map(({ line, rule, message }) => ({ line, rule, message }));
  };

  it("takes ${NAME} references only and the five kinds", async () => {
    expect(await validate(['  - {name: raw, type: slack, url: "https://hooks.slack.invalid/T0/B0/x", on: [whenever]}'])).toEqual([
      { line: 3, rule: "secret-reference", message: 'notifications[0].url: must name an environment variable as "${NAME}"; secrets never live in YAML' },
      { line: 3, rule: "schema", message: 'notifications[0].on[0]: must be one of "run_failed", "event_paused", "revision_refused", "budget_reached", "recovered"' },
    ]);
  });

  it("wants a secret for webhook targets only, and unique names; each error at its place", async () => {
    expect(
      await validate(['  - {name: ops, type: slack, url: "${SLACK_URL}", secret: "${NOPE}", on: [run_failed]}', '  - {name: ops, type: webhook, url: "${HOOK_URL}", on: [recovered]}']),
    ).toEqual([
      { line: 3, rule: "notification-targets", message: '"secret" is for type webhook only: a Slack incoming webhook signs nothing, its URL is the credential' },
      { line: 4, rule: "notification-targets", message: 'type webhook needs "secret": "${NAME}", the Standard Webhooks signing secret (whsec_<base64>) its receiver verifies' },
      { line: 4, rule: "notification-targets", message: 'a second notification target named "ops": names must be unique' },
    ]);
  });
});
