import { describe, expect, it } from "vitest";
import { objectKinds } from "../../controller/definitions/object-state.js";
import { readObjects } from "../../controller/store/read-objects.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { insertEvent } from "../../controller/store/write-event.js";
import { deleteObject, upsertObject } from "../../controller/store/write-object.js";
import { backends, testOn } from "./backends.js";
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

describe.each(backends)("definition rows on $name", ({ missing, open }) => {
  const it = testOn(missing);

  it("round-trips every kind: what is read is what was written, and its digest checks out", async () => {
    const sql = await open();
    for (const obj of samples) await upsertObject(sql, obj, "rev1", now);
    await insertEvent(sql, event, "rev1", now, null);

    const current = (await readObjects(sql));
    expect(new Set(current.map((o) => o.kind))).toEqual(new Set(objectKinds));
    for (const obj of [...samples, event]) {
      const stored = current.find((o) => o.kind === obj.kind && o.name === obj.name);
      expect(stored).toEqual({ ...obj, revision: "rev1", actualDigest: obj.digest });
    }
  });

  it("replaces an object on upsert and removes it on delete", async () => {
    const sql = await open();
    const v1 = object("agent", "helper", { model: "claude-a", prompt: "one" });
    const v2 = object("agent", "helper", { model: "claude-b", prompt: "two" }, "framework");
    await upsertObject(sql, v1, "rev1", now);
    await upsertObject(sql, v2, "rev2", now);
    expect((await readObjects(sql))).toEqual([{ ...v2, revision: "rev2", actualDigest: v2.digest }]);
    expect(await sql.get("SELECT model FROM agents WHERE name = 'helper'")).toEqual({ model: "claude-b" });

    await deleteObject(sql, "agent", "helper");
    expect((await readObjects(sql))).toEqual([]);
  });

  it("shows a row edited out of band as drift: its actual digest no longer matches", async () => {
    const sql = await open();
    const agent = object("agent", "helper", { model: "claude-a", prompt: "You help." });
    await upsertObject(sql, agent, "rev1", now);
    await sql.run("UPDATE agents SET spec = ? WHERE name = 'helper'", [JSON.stringify({ model: "claude-cheap", prompt: "You help." })]);

    const [stored] = (await readObjects(sql));
    expect(stored?.digest).toBe(agent.digest);
    expect(stored?.actualDigest).not.toBe(agent.digest);
    expect(stored?.spec).toEqual({ model: "claude-cheap", prompt: "You help." });
  });

  it("reads a spec mangled out of band as drift rather than failing", async () => {
    const sql = await open();
    await upsertObject(sql, samples[1]!, "rev1", now);
    await sql.run("UPDATE agents SET spec = 'not json' WHERE name = 'helper'");
    const [stored] = (await readObjects(sql));
    expect(stored?.actualDigest).not.toBe(stored?.digest);
    // Queries on the generated model column keep working meanwhile.
    expect(await sql.all("SELECT model FROM agents")).toEqual([{ model: null }]);
  });

});

describe("definition rows on SQLite", () => {
  it("generates an agent's model from its spec: an out-of-band edit of the column is refused, one of the spec shows as drift", async () => {
    const { db } = freshDb();
    const agent = object("agent", "helper", { model: "claude-a", prompt: "You help." });
    await upsertObject(sqliteSql(db), agent, "rev1", now);
    expect(() => db.prepare("UPDATE agents SET model = 'claude-cheap'").run()).toThrow(/cannot UPDATE generated column/);

    db.prepare("UPDATE agents SET spec = json_set(spec, '$.model', 'claude-cheap')").run();
    expect(db.prepare("SELECT model FROM agents").pluck().get()).toBe("claude-cheap");
    expect((await readObjects(sqliteSql(db)))[0]?.actualDigest).not.toBe(agent.digest);

    await upsertObject(sqliteSql(db), object("agent", "helper", { prompt: "No model of its own." }), "rev2", now);
    expect(db.prepare("SELECT model FROM agents").pluck().get()).toBeNull();
  });
});
