import { describe, expect, it } from "vitest";
import { objectDigest } from "../../controller/definitions/canonical-json.js";
import { resolveEvent } from "../../controller/definitions/resolved-event.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { systemClock } from "../../controller/clock.js";
import { capOutput, CappedBuffer } from "../../controller/workers/cap-output.js";
import { ExecutionError } from "../../controller/workers/executor.js";
import { resolveSecrets } from "../../controller/workers/secrets.js";
import { SecretMask } from "../../controller/workers/secret-mask.js";
import { renderString, stepContext, templateEnv, templateScope, templateValues } from "../../controller/workers/templates.js";
import { backendTest, sharedStore, storeBackends } from "../support/store-backends.js";
import { context } from "./helpers.js";

// Both store backends (issue 16): the scope reads the event and the registries through Sql.
describe.each(storeBackends)("on $name", (backend) => {
  const it = backendTest(backend, "test/workers/templates");
  // PostgreSQL's cases share a database: they only read definitions, or add ones the others do not mind.
  const store = sharedStore(backend);

  describe("templates", () => {
    const at = { ...systemClock, now: () => new Date("2026-03-01T00:30:00Z") };

    it("renders every root, objects as JSON, absent keys as empty text", async () => {
      const base = context({ type: "note" }, { payload: { user: { name: "ada" }, n: 2 }, clock: at, sql: await store() });
      const ctx = stepContext(base, { type: "note" }, base.payload, { "fetch-data": { status: "success", output: "rows", error: "" } });
      const scope = await templateScope(ctx);
      const text = "{{steps.fetch-data.output}} {{ trigger.payload.user }} {{trigger.payload.user.name}} [{{trigger.payload.none}}] {{event.id}} {{event.scheduled_for}} {{date.today}} {{date.yesterday}}";
      expect(renderString(text, scope)).toBe('rows {"name":"ada"} ada [] nightly 2026-03-10T09:00:00.000Z 2026-03-01 2026-02-28');
      expect(renderString("{{trigger.payload}}", scope)).toBe('{"user":{"name":"ada"},"n":2}');
    });

    it("reads the event's description when a template names it, and nothing of the event otherwise", async () => {
      const sql = await store();
      const spec = { ...resolveEvent({ description: "Nightly digest", condition: { type: "interval", expr: "1h" }, action: { type: "webhook", url: "http://127.0.0.1/" } }) };
      await insertEvent(sql, { kind: "event", name: "nightly", layer: "workspace", file: "events/nightly.yaml", spec, digest: objectDigest("workspace", spec) }, "rev", new Date(), null);
      const ctx = context({ type: "note" }, { sql });
      expect(renderString("{{ event.description }}", await templateScope(ctx, { body: "{{ event.description }}" }))).toBe("Nightly digest");
      // A flow's scope (no fields yet) reads it for the steps to come.
      expect((await templateScope(ctx)).description).toBe("Nightly digest");
      // Fields that do not name it: no read (each is a round trip on PostgreSQL, at every attempt).
      expect((await templateScope(ctx, { body: "{{event.id}}" })).description).toBe("");
    });

    it("fails on a reference that validation should have caught", async () => {
      const scope = await templateScope(context({ type: "note" }, { sql: await store() }));
      expect(() => renderString("{{steps.ghost.output}}", scope)).toThrow(ExecutionError);
      expect(() => renderString("{{registries.none}}", scope)).toThrow(/no registry "none"/);
    });

    it("gives scripts the same values as NEXAAS_* variables", async () => {
      const base = context({ type: "script" }, { payload: { a: 1 }, sql: await store() });
      const ctx = stepContext(base, { type: "script" }, base.payload, { "fetch-data": { status: "failed", output: "", error: "boom" } });
      expect(templateEnv(templateValues(ctx))).toEqual({
        NEXAAS_TRIGGER_PAYLOAD: '{"a":1}',
        NEXAAS_EVENT_ID: "nightly",
        NEXAAS_SCHEDULED_FOR: "2026-03-10T09:00:00.000Z",
        NEXAAS_STEPS_FETCH_DATA_OUTPUT: "",
        NEXAAS_STEPS_FETCH_DATA_STATUS: "failed",
        NEXAAS_STEPS_FETCH_DATA_ERROR: "boom",
      });
    });
  });
});

describe("secrets", () => {
  it("resolves ${NAME} anywhere in a string and names a missing one without values", () => {
    const used = new SecretMask();
    expect(resolveSecrets("Bearer ${TOKEN} / ${USER_ID}", { TOKEN: "t0k-9f8e7d", USER_ID: "user-0042" }, used)).toBe("Bearer t0k-9f8e7d / user-0042");
    expect(used.mask("echo t0k-9f8e7d and user-0042")).toBe("echo *** and ***");
    try {
      resolveSecrets("${TOKEN} ${MISSING}", { TOKEN: "t0k" });
      expect.unreachable();
    } catch (error) {
      expect((error as ExecutionError).code).toBe("missing-secret");
      expect((error as Error).message).toContain("MISSING");
      expect((error as Error).message).not.toContain("t0k");
    }
  });
});

describe("capOutput", () => {
  it("leaves short text alone and cuts long text to the cap with a marker", () => {
    expect(capOutput("short")).toBe("short");
    const long = "é".repeat(100_000); // 200,000 bytes, two per character
    const head = capOutput(long);
    expect(Buffer.byteLength(head)).toBeLessThanOrEqual(64 * 1024);
    expect(head.startsWith("éé")).toBe(true);
    expect(head).not.toContain("\uFFFD");
    const cut = Number(/\[… (\d+) bytes cut\]/.exec(head)?.[1]);
    expect(Buffer.byteLength(head.replace(/\n\[… \d+ bytes cut\]\n/, "")) + cut).toBe(200_000);
    expect(capOutput(`${"a".repeat(50)}END`, { maxBytes: 30, keep: "tail" })).toMatch(/^\n\[… \d+ bytes cut\]\na*END$/);
  });

  it("streams through a bounded buffer that keeps the head or the tail", () => {
    const head = new CappedBuffer("head", 100);
    const tail = new CappedBuffer("tail", 100);
    for (let i = 0; i < 50; i++) {
      head.push(Buffer.from(`line ${i}\n`));
      tail.push(Buffer.from(`line ${i}\n`));
    }
    expect(head.text().startsWith("line 0\n")).toBe(true);
    expect(Buffer.byteLength(head.text())).toBeLessThanOrEqual(100);
    expect(tail.text().endsWith("line 49\n")).toBe(true);
    expect(Buffer.byteLength(tail.text())).toBeLessThanOrEqual(100);
  });
});
