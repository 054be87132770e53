import { describe, expect } from "vitest";
import { systemClock } from "../../controller/clock.js";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { upsertObject } from "../../controller/store/write-object.js";
import { ExecutionError, type ExecutionContext, type Executor } from "../../controller/workers/executor.js";
import { createFlowExecutor, FlowStepError } from "../../controller/workers/executors/flow.js";
import { scriptExecutor } from "../../controller/workers/executors/script.js";
import { webhookExecutor } from "../../controller/workers/executors/webhook.js";
import { backendTest, sharedStore, storeBackends } from "../support/store-backends.js";
import { context, loopbackContextOn, loopbackServer } from "./helpers.js";

interface Summary {
  steps: { id: string; status: string; output: string; error?: string; attempts: number }[];
}

/** An executor that records the action it was given and answers with its `reply` field. */
function recorder(): { executor: Executor; seen: ExecutionContext["action"][] } {
  const seen: ExecutionContext["action"][] = [];
  return {
    seen,
    executor: (ctx) => {
      seen.push(ctx.action);
      return Promise.resolve({ output: String(ctx.action.reply ?? "") });
    },
  };
}

/** Fails `failures` times, then succeeds. */
function flaky(failures: number): { executor: Executor; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    executor: () => {
      calls++;
      return calls <= failures ? Promise.reject(new ExecutionError(`flaky failure ${calls}`, "exit-code")) : Promise.resolve({ output: `ok after ${calls}` });
    },
  };
}

async function applyDefinition(sql: Sql, kind: "flow" | "registry", name: string, spec: Record<string, unknown>): Promise<void> {
  await upsertObject(sql, { kind, name, layer: "workspace", file: `${kind}s/${name}.yaml`, spec, digest: objectDigest("workspace", spec) }, "rev1", new Date());
}

const summaryOf = (output: string): Summary => JSON.parse(output) as Summary;

// Both store backends (issue 16): a flow reads its definition, the event and the registries through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/workers/flow");
  // PostgreSQL's cases share a database: they only read definitions, or add ones the others do not mind.
  const store = sharedStore(backend);

  describe("flow executor", () => {
    it("runs a flow by id and passes one step's output to the next as an environment variable", async () => {
      const sql = await store();
      await applyDefinition(sql, "flow", "greet", {
        steps: [
          { id: "fetch-name", action: "script", command: "printf ada" },
          { id: "greet", action: "script", command: 'printf "hello %s" "$NEXAAS_STEPS_FETCH_NAME_OUTPUT"' },
        ],
      });
      const flow = createFlowExecutor({ script: scriptExecutor });
      const { output } = await flow(context({ type: "flow", flow: "greet" }, { sql }));
      expect(summaryOf(output).steps).toEqual([
        { id: "fetch-name", status: "success", output: "ada", attempts: 1 },
        { id: "greet", status: "success", output: "hello ada", attempts: 1 },
      ]);
    });

    it("renders templates in a step's fields from earlier steps, the trigger, the event, the date and registries", async () => {
      const sql = await store();
      await applyDefinition(sql, "registry", "clients", { fields: ["name"], entries: [{ name: "Initech" }] });
      const { executor, seen } = recorder();
      const flow = createFlowExecutor({ note: executor });
      const steps = [
        { id: "a", action: "note", reply: "first" },
        { id: "b", action: "note", prompt: "{{steps.a.output}}/{{steps.a.status}} for {{trigger.payload.who}} in {{event.id}} on {{date.today}}: {{registries.clients}}" },
      ];
      await flow(context({ type: "flow", steps, trigger_payload: { who: "bob" } }, { sql, clock: { ...systemClock, now: () => new Date("2026-03-10T12:00:00Z") } }));
      expect(seen[1]).toEqual({ type: "note", prompt: 'first/success for bob in nightly on 2026-03-10: [{"name":"Initech"}]' });
    });

    it("skips a step whose `when` is false, and runs one whose `when` is true", async () => {
      const { executor, seen } = recorder();
      const flow = createFlowExecutor({ note: executor });
      const steps = [
        { id: "fetch", action: "note", reply: "all good" },
        { id: "alert", action: "note", when: 'steps.fetch.output.contains("ERROR")', reply: "alerted" },
        { id: "log", action: "note", when: 'steps.alert.status == "skipped" && trigger.payload.level == "info"', reply: "logged" },
      ];
      const { output } = await flow(context({ type: "flow", steps }, { payload: { level: "info" }, sql: await store() }));
      expect(summaryOf(output).steps.map((s) => [s.id, s.status])).toEqual([
        ["fetch", "success"],
        ["alert", "skipped"],
        ["log", "success"],
      ]);
      expect(seen.map((a) => a.reply)).toEqual(["all good", "logged"]);
    });

    it("goes on after a failed step with on_error: continue", async () => {
      const flow = createFlowExecutor({ script: scriptExecutor });
      const steps = [
        { id: "broken", action: "script", command: "echo nope >&2; exit 2", on_error: "continue" },
        { id: "after", action: "script", command: 'printf "%s" "$NEXAAS_STEPS_BROKEN_STATUS"' },
      ];
      const summary = summaryOf((await flow(context({ type: "flow", steps }, { sql: await store() }))).output);
      expect(summary.steps[0]).toMatchObject({ id: "broken", status: "failed" });
      expect(summary.steps[0]?.error).toContain("exited with code 2");
      expect(summary.steps[1]).toMatchObject({ id: "after", status: "success", output: "failed" });
    });

    it("stops at a failed step with on_error: fail (the default), naming the step", async () => {
      const { executor, seen } = recorder();
      const flow = createFlowExecutor({ script: scriptExecutor, note: executor });
      const steps = [
        { id: "broken", action: "script", command: "exit 2" },
        { id: "never", action: "note", reply: "x" },
      ];
      const error = await flow(context({ type: "flow", steps }, { sql: await store() })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FlowStepError);
      const failed = error as FlowStepError;
      expect(failed.code).toBe("step-failed");
      expect(failed.message).toContain('step "broken" failed');
      expect(failed.steps.map((s) => s.id)).toEqual(["broken"]);
      expect(seen).toHaveLength(0);
    });

    it("retries a step up to its `retries`", async () => {
      const twice = flaky(2);
      const flow = createFlowExecutor({ flaky: twice.executor });
      const { output } = await flow(context({ type: "flow", steps: [{ id: "s", action: "flaky", retries: 2 }] }, { sql: await store() }));
      expect(summaryOf(output).steps[0]).toMatchObject({ status: "success", output: "ok after 3", attempts: 3 });
      expect(twice.calls()).toBe(3);

      const thrice = flaky(3);
      const short = createFlowExecutor({ flaky: thrice.executor });
      const error = await short(context({ type: "flow", steps: [{ id: "s", action: "flaky", retries: 1 }] }, { sql: await store() })).then(
        () => undefined,
        (e: unknown) => e as ExecutionError,
      );
      expect(error?.message).toContain('step "s" failed after 2 attempts: flaky failure 2');
      expect(thrice.calls()).toBe(2);
    });

    it("gives a webhook step earlier outputs without resolving ${NAME} found in them", async () => {
      const server = await loopbackServer((_req, res) => res.end("sent"));
      const { executor } = recorder();
      const flow = createFlowExecutor({ note: executor, webhook: webhookExecutor });
      const steps = [
        { id: "draft", action: "note", reply: "leak ${TOKEN}?" },
        { id: "post", action: "webhook", url: server.url, headers: { authorization: "Bearer ${TOKEN}" }, body: { text: "{{steps.draft.output}}" } },
      ];
      await flow(await loopbackContextOn(await store(), { type: "flow", steps }, { env: { TOKEN: "tok-123" } }));
      expect(server.requests[0]?.headers.authorization).toBe("Bearer tok-123");
      expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({ text: "leak ${TOKEN}?" });
    });

    it("fails clearly on an unknown flow", async () => {
      const error = await createFlowExecutor({})(context({ type: "flow", flow: "nope" }, { sql: await store() })).then(
        () => undefined,
        (e: unknown) => e as ExecutionError,
      );
      expect(error?.code).toBe("unknown-flow");
    });
  });

  describe("flow summary", () => {
    it("shares the output cap between steps so the summary stays valid JSON", async () => {
      const big: Executor = () => Promise.resolve({ output: "x".repeat(60_000) });
      const flow = createFlowExecutor({ big });
      const steps = [1, 2, 3].map((n) => ({ id: `s${n}`, action: "big" }));
      const { output } = await flow(context({ type: "flow", steps }, { sql: await store() }));
      expect(Buffer.byteLength(output)).toBeLessThanOrEqual(64 * 1024);
      expect(summaryOf(output).steps.every((s) => s.output.includes("bytes cut"))).toBe(true);
    });

    it("refuses an action type it has no executor for, even one named like an Object method", async () => {
      const flow = createFlowExecutor({});
      const error = await flow(context({ type: "flow", steps: [{ id: "s", action: "toString" }] }, { sql: await store() })).then(
        () => undefined,
        (e: unknown) => e as ExecutionError,
      );
      expect(error?.message).toContain('no executor for action "toString"');
    });
  });
});
