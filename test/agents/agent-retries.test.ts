import { describe, expect } from "vitest";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import { resolveEvent } from "../../controller/definitions/resolved-event.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { define, fakeApi } from "../llm/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { runQueued } from "./run-queued.js";
import { nodeServer, testServerScript } from "../support/mcp-servers.js";

// Both store backends (issue 16): queued, claimed, run and failed through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/agents/agent-retries");

  describe("an agent's run that stops at a limit, a refusal or a broken server is not retried", () => {
    const cases = [
      { stop: "max_turns", agent: { max_turns: 1 }, replies: [{ text: "", content: [{ type: "tool_use" as const, name: "mcp__faults__echo", input: { text: "a" } }] }] },
      { stop: "refusal", agent: {}, replies: [{ text: "No.", stop_reason: "refusal" }] },
      { stop: "mcp-server", agent: {}, broken: true, replies: [] },
    ];
    for (const c of cases) {
      it(`${c.stop}: one attempt, failed at once although the policy allows retries`, async () => {
        const sql = await backend.open();
        const clock = new FakeClock(Date.parse("2027-01-04T06:30:00Z"));
        await define(sql, "workspace", "workspace", { name: "shop", defaults: { model: "claude-sonnet-5-5", agent: "clerk" } });
        await define(sql, "agent", "clerk", { name: "clerk", description: "d", prompt: "p\n", mcp_servers: ["faults"], ...c.agent });
        await define(sql, "mcp_server", "faults", nodeServer("faults", testServerScript, c.broken ? ["--exit-at-once"] : []));
        const spec = resolveEvent({ condition: { type: "interval", expr: "1h" }, action: { type: "claude_chat", prompt: "go" }, policy: { retries: 3 } });
        const stored = { ...spec };
        await insertEvent(sql, { kind: "event", name: "e", layer: "workspace", file: "events/e.yaml", spec: stored, digest: objectDigest("workspace", stored) }, "rev", clock.now(), null);
        const api = await fakeApi(c.replies);
        const { job, outcome } = await runQueued(sql, { name: "e", spec }, { api, clock, workspaceDir: process.cwd() });
        expect(outcome.status).toBe("failed");
        expect(await sql.get("SELECT status, attempts FROM job_queue WHERE id = ?", [job.jobId])).toEqual({ status: "failed", attempts: 1 });
      });
    }
  });
});
