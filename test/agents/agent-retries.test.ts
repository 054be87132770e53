import { describe, expect, it } from "vitest";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import { resolveEvent } from "../../controller/definitions/resolved-event.js";
import { defaultExecutors } from "../../controller/controller.js";
import { createLogger } from "../../controller/log.js";
import { claimJob } from "../../controller/queue/claim-job.js";
import { queueRun } from "../../controller/queue/queue-run.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { runJob } from "../../controller/workers/run-job.js";
import { apiKey, define, fakeApi, freshDb } from "../llm/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { nodeServer, testServerScript } from "../support/mcp-servers.js";

describe("an agent's run that stops at a limit, a refusal or a broken server is not retried", () => {
  const cases = [
    { stop: "max_turns", agent: { max_turns: 1 }, replies: [{ text: "", content: [{ type: "tool_use" as const, name: "mcp__faults__echo", input: { text: "a" } }] }] },
    { stop: "refusal", agent: {}, replies: [{ text: "No.", stop_reason: "refusal" }] },
    { stop: "mcp-server", agent: {}, broken: true, replies: [] },
  ];
  for (const c of cases) {
    it(`${c.stop}: one attempt, failed at once although the policy allows retries`, async () => {
      const db = freshDb();
      const clock = new FakeClock(Date.parse("2027-01-04T06:30:00Z"));
      define(db, "workspace", "workspace", { name: "shop", defaults: { model: "claude-sonnet-5-5", agent: "clerk" } });
      define(db, "agent", "clerk", { name: "clerk", description: "d", prompt: "p\n", mcp_servers: ["faults"], ...c.agent });
      define(db, "mcp_server", "faults", nodeServer("faults", testServerScript, c.broken ? ["--exit-at-once"] : []));
      const spec = resolveEvent({ condition: { type: "interval", expr: "1h" }, action: { type: "claude_chat", prompt: "go" }, policy: { retries: 3 } });
      const stored = { ...spec };
      insertEvent(db, { kind: "event", name: "e", layer: "workspace", file: "events/e.yaml", spec: stored, digest: objectDigest("workspace", stored) }, "rev", clock.now(), null);
      queueRun(db, { event: { name: "e", spec }, trigger: "manual", scheduledFor: clock.now() }, clock.now());
      const job = claimJob(db, "w1", clock.now(), 60_000);
      if (!job) throw new Error("no job");
      const api = await fakeApi(c.replies);
      const outcome = await runJob(job, {
        db,
        workerId: "w1",
        clock,
        leaseMs: 60_000,
        executors: defaultExecutors(),
        env: { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: api.url, PATH: process.env.PATH ?? "" },
        workspaceDir: process.cwd(),
        log: createLogger({ LOG_LEVEL: "silent" }),
        shutdown: new AbortController().signal,
      });
      expect(outcome.status).toBe("failed");
      expect(db.prepare("SELECT status, attempts FROM job_queue WHERE id = ?").get(job.jobId)).toEqual({ status: "failed", attempts: 1 });
    });
  }
});
