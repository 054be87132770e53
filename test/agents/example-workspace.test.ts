import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect } from "vitest";
import { packageRoot } from "../../controller/package-root.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { readEvent } from "../../controller/store/read-event.js";
import { readRunSteps } from "../../controller/store/run-steps.js";
import { fakeApi } from "../llm/helpers.js";
import { backendTest, storeBackends } from "../support/store-backends.js";
import { FakeClock } from "../support/fake-clock.js";
import { runQueued } from "./run-queued.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

// Both store backends (issue 16): reconciled, queued, run and recorded through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/agents/example-workspace");

  describe("workspace.example's agent that acts", () => {
    it("low-stock-check: the stock-clerk reads scripts/stock-sample.csv through the framework filesystem server, offline", async () => {
      // A copy, as a team's checkout would be: the filesystem server is started in it (npx finds the package in node_modules).
      const dir = mkdtempSync(join(packageRoot, ".test-example-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      cpSync(join(packageRoot, "workspace.example"), dir, { recursive: true, filter: (src) => !/[/\\](data|\.env)$/.test(src) });
      const sql = await backend.open();
      const applied = await reconcile(sql, { dir, source: "worktree" });
      expect(applied.result).toBe("applied");

      const api = await fakeApi([
        { text: "", content: [{ type: "tool_use", name: "mcp__filesystem__read_text_file", input: { path: "scripts/stock-sample.csv" } }] },
        { text: "2 products need reordering." },
      ]);
      const clock = new FakeClock(Date.parse("2027-01-04T06:30:00Z"));
      const event = await readEvent(sql, "low-stock-check");
      if (!event) throw new Error("low-stock-check is not applied");
      const { job, outcome } = await runQueued(sql, { name: "low-stock-check", spec: event.spec }, { api, clock, workspaceDir: dir });
      expect(outcome).toMatchObject({ status: "success" });

      const offered = (api.requests[0]?.body.tools as { name: string }[]).map((t) => t.name).sort();
      expect(offered).toContain("mcp__filesystem__read_text_file");
      expect(offered.some((name) => name.startsWith("mcp__filesystem__write"))).toBe(false);
      const result = JSON.stringify((api.requests[1]?.body.messages as unknown[]).at(-1));
      expect(result).toContain("KT-002,Cast-iron casserole 24 cm,6,10,0.8,atelier-fonte");
      const steps = await readRunSteps(sql, job.runId);
      expect(steps.map((s) => s.tool ?? s.kind)).toEqual(["turn", "mcp__filesystem__read_text_file", "turn"]);
      expect(await sql.get("SELECT status, stop_reason, output FROM event_runs WHERE id = ?", [job.runId])).toEqual({
        status: "success",
        stop_reason: "end_turn",
        output: "2 products need reordering.",
      });
    });
  });
});
