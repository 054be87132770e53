import { describe, expect, it } from "vitest";
import { objectKinds } from "../../controller/definitions/object-state.js";
import { readObjects } from "../../controller/store/read-objects.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { deleteObject, upsertObject } from "../../controller/store/write-object.js";
import { at, freshDb, object } from "./helpers.js";

const now = at("2026-11-23T09:00:00.000Z");

const samples = [
  object("workspace", "workspace", { name: "ops", timezone: "Europe/Paris", defaults: { agent: "helper" } }),
  object("agent", "helper", { description: "Helps.", model: "claude-sonnet-4-5", prompt: "You help.\n" }),
  object("skill", "summarise", { format: "markdown", description: "Summarises.", instructions: "Be brief." }, "framework"),
  object("mcp_server", "github", { command: "npx", args: ["-y", "server-github"], env: ["GITHUB_TOKEN"] }),
  object("registry", "internal", { url: "https://example.invalid/registry" }),
  object("flow", "triage", { steps: [{ id: "a", action: { type: "script", command: "true" } }] }),
];
const event = object("event", "daily", { condition: { type: "cron", expr: "0 9 * * *" }, action: { type: "claude_chat", prompt: "hi", agent: "helper" }, origin: "events" });

describe("definition rows", () => {
  it("round-trips every kind: what is read is what was written, and its digest checks out", () => {
    const { db } = freshDb();
    for (const obj of samples) upsertObject(db, obj, "rev1", now);
    insertEvent(db, event, "rev1", now, null);

    const current = readObjects(db);
    expect(new Set(current.map((o) => o.kind))).toEqual(new Set(objectKinds));
    for (const obj of [...samples, event]) {
      const stored = current.find((o) => o.kind === obj.kind && o.name === obj.name);
      expect(stored).toEqual({ ...obj, revision: "rev1", actualDigest: obj.digest });
    }
  });

  it("replaces an object on upsert and removes it on delete", () => {
    const { db } = freshDb();
    const v1 = object("agent", "helper", { model: "claude-a", prompt: "one" });
    const v2 = object("agent", "helper", { model: "claude-b", prompt: "two" }, "framework");
    upsertObject(db, v1, "rev1", now);
    upsertObject(db, v2, "rev2", now);
    expect(readObjects(db)).toEqual([{ ...v2, revision: "rev2", actualDigest: v2.digest }]);
    expect(db.prepare("SELECT model FROM agents WHERE name = 'helper'").pluck().get()).toBe("claude-b");

    deleteObject(db, "agent", "helper");
    expect(readObjects(db)).toEqual([]);
  });

  it("shows a row edited out of band as drift: its actual digest no longer matches", () => {
    const { db } = freshDb();
    const agent = object("agent", "helper", { model: "claude-a", prompt: "You help." });
    upsertObject(db, agent, "rev1", now);
    db.prepare("UPDATE agents SET spec = ? WHERE name = 'helper'").run(JSON.stringify({ model: "claude-cheap", prompt: "You help." }));

    const [stored] = readObjects(db);
    expect(stored?.digest).toBe(agent.digest);
    expect(stored?.actualDigest).not.toBe(agent.digest);
    expect(stored?.spec).toEqual({ model: "claude-cheap", prompt: "You help." });
  });

  it("reads a spec mangled out of band as drift rather than failing", () => {
    const { db } = freshDb();
    upsertObject(db, samples[1]!, "rev1", now);
    db.prepare("UPDATE agents SET spec = 'not json' WHERE name = 'helper'").run();
    const [stored] = readObjects(db);
    expect(stored?.actualDigest).not.toBe(stored?.digest);
    // Queries on the generated model column keep working meanwhile.
    expect(db.prepare("SELECT model FROM agents").pluck().all()).toEqual([null]);
  });

  it("generates an agent's model from its spec: an out-of-band edit of the column is refused, one of the spec shows as drift", () => {
    const { db } = freshDb();
    const agent = object("agent", "helper", { model: "claude-a", prompt: "You help." });
    upsertObject(db, agent, "rev1", now);
    expect(() => db.prepare("UPDATE agents SET model = 'claude-cheap'").run()).toThrow(/cannot UPDATE generated column/);

    db.prepare("UPDATE agents SET spec = json_set(spec, '$.model', 'claude-cheap')").run();
    expect(db.prepare("SELECT model FROM agents").pluck().get()).toBe("claude-cheap");
    expect(readObjects(db)[0]?.actualDigest).not.toBe(agent.digest);

    upsertObject(db, object("agent", "helper", { prompt: "No model of its own." }), "rev2", now);
    expect(db.prepare("SELECT model FROM agents").pluck().get()).toBeNull();
  });
});
