import { describe, expect } from "vitest";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import { resolveEvent } from "../../controller/definitions/resolved-event.js";
import { readRunSteps } from "../../controller/store/run-steps.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { define, fakeApi, stopReason } from "../llm/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { nodeServer, testServerScript } from "../support/mcp-servers.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { runQueued } from "./run-queued.js";

describe.each(storeBackends)("an agent's attempt cut by its timeout on $name", (backend) => {
  const it = backendTest(backend, "test/agents/attempt-timeout");

  it("has its transcript and stop reason recorded when the attempt's outcome is", async () => {
    const sql = await backend.open();
    const clock = new FakeClock(Date.parse("2027-01-04T06:30:00Z"));
    await define(sql, "workspace", "workspace", { name: "shop", defaults: { model: "claude-sonnet-5-5", agent: "clerk" } });
    await define(sql, "agent", "clerk", { name: "clerk", description: "d", prompt: "p\n", mcp_servers: ["faults"] });
    await define(sql, "mcp_server", "faults", nodeServer("faults", testServerScript));
    const spec = resolveEvent({ condition: { type: "interval", expr: "1h" }, action: { type: "claude_chat", prompt: "go" }, policy: { retries: 0, timeout: "1m" } });
    const stored = { ...spec };
    await insertEvent(sql, { kind: "event", name: "e", layer: "workspace", file: "events/e.yaml", spec: stored, digest: objectDigest("workspace", stored) }, "rev", clock.now(), null);
    const api = await fakeApi([{ text: "", content: [{ type: "tool_use", name: "mcp__faults__hang", input: {} }] }]);
    const run = runQueued(sql, { name: "e", spec }, { api, clock, workspaceDir: process.cwd() });
    await api.received(1);
    // The turn is recorded just before the call starts.
    for (;;) {
      if ((await readRunSteps(sql, 1)).some((s) => s.kind === "turn")) break;
      await new Promise((done) => setTimeout(done, 10));
    }
    await clock.advance(60_000);
    const { job, outcome } = await run;
    expect(outcome).toMatchObject({ status: "failed", error: expect.stringContaining("timed out after 1m") });
    expect(await stopReason(sql, job.runId)).toBe("timeout");
    expect((await readRunSteps(sql, job.runId)).map((s) => [s.kind, s.output])).toEqual([
      ["turn", null],
      ["tool_call", "cancelled: the attempt ended (timeout or shutdown) while the call ran"],
    ]);
  });
});
