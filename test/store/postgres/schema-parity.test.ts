// Issue 16: "The PostgreSQL schema keeps SQLite's table and column names ... so that operators'
// queries work on both." Each backend has its own migrations; this test applies all of both, to a
// fresh SQLite file and a fresh PostgreSQL database, and compares what they built.
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { migratePostgres } from "../../../controller/store/postgres/migrate-postgres.js";
import { describePostgres, postgresClient, postgresDatabase } from "../../support/postgres.js";
import { freshDb } from "../helpers.js";
import { postgresSchema, type SchemaShape, sqliteSchema } from "./schema-shape.js";

/**
 * Where the two may differ, on purpose:
 * - `migrations` records each backend's own numbering, so its rows differ (its columns do not);
 * - SQLite's internal tables (sqlite_sequence) and PostgreSQL's functions are not compared
 *   (schema-shape.ts leaves them out);
 * - the queue's indexes of queued jobs end in `id` on PostgreSQL (its migration 000002): SQLite's
 *   hold their rowid, which is job_queue.id, last without naming it, and the claim's order needs it.
 */
const rowidLast = new Set(["job_queue_free", "job_queue_keyed"]);

function comparable(schema: SchemaShape, backend: "sqlite" | "postgres"): SchemaShape {
  const tables = Object.fromEntries(Object.entries(schema.tables).map(([name, table]) => [name, name === "migrations" ? { ...table, rows: 0 } : table]));
  // PostgreSQL's must end in id (the parity diff names it when one does not); then it is SQLite's.
  const rowid = (columns: string[]) => (columns.at(-1) === "id" ? columns.slice(0, -1) : [...columns, "(id missing last)"]);
  const indexes = Object.fromEntries(
    Object.entries(schema.indexes).map(([name, index]) => [name, backend === "postgres" && rowidLast.has(name) ? { ...index, columns: rowid(index.columns) } : index]),
  );
  return { ...schema, tables, indexes };
}

describePostgres("the PostgreSQL schema", () => {
  let postgres: pg.Client;

  beforeAll(async () => {
    postgres = await postgresClient(await postgresDatabase());
    await migratePostgres(postgres);
  });

  it("has SQLite's tables, columns, keys, constraints, indexes and triggers, under the same names", async () => {
    const expected = comparable(sqliteSchema(freshDb().db), "sqlite");
    const actual = comparable(await postgresSchema(postgres), "postgres");
    // Names first, so that a missing table or index is named plainly before the deep diff.
    expect(Object.keys(actual.tables)).toEqual(Object.keys(expected.tables));
    expect(Object.keys(actual.indexes).sort()).toEqual(Object.keys(expected.indexes).sort());
    for (const [name, table] of Object.entries(expected.tables)) {
      expect({ name, columns: actual.tables[name]?.columns.map((c) => c.name) }).toEqual({ name, columns: table.columns.map((c) => c.name) });
    }
    expect(actual).toEqual(expected);
  });
});

/** An event row's generated columns as the backend computed them, or the word of its refusal. */
type Outcome = { agent: string | null; condition_type: string; enabled: number; origin: string; expires_at: string | null } | "refused";

const eventSpecs: [string, string][] = [
  ["the action's agent, a policy's expiry", JSON.stringify({ condition: { type: "cron" }, action: { agent: "writer" }, policy: { expires_at: "2027-01-01T00:00:00.000Z" } })],
  ["the event's own agent, enabled: false", JSON.stringify({ condition: { type: "interval" }, agent: "helper", action: { agent: "writer" }, enabled: false, origin: "checks" })],
  ["enabled: true, null", JSON.stringify({ condition: { type: "once" }, enabled: null })],
  ["enabled: true", JSON.stringify({ condition: { type: "webhook" }, enabled: true, origin: "followups" })],
  ["a NUL escaped in the prompt", JSON.stringify({ condition: { type: "after" }, action: { prompt: "a\u0000b" } })],
  ["enabled: 'no'", JSON.stringify({ condition: { type: "cron" }, enabled: "no" })],
  ["an unknown condition type", JSON.stringify({ condition: { type: "hourly" } })],
  ["an unknown origin", JSON.stringify({ condition: { type: "cron" }, origin: "elsewhere" })],
  ["no condition", JSON.stringify({})],
  ["not JSON", "not json"],
];

const insertEvent =
  "INSERT INTO events (name, layer, revision, digest, file, spec, condition_digest, created_at, updated_at) VALUES ('e', 'workspace', 'r', 'd', 'events/e.yaml', $spec, 'c', 't', 't')";
const readEvent = "SELECT agent, condition_type, enabled, origin, expires_at FROM events";

describePostgres("columns generated from a spec", () => {
  let postgres: pg.Client;

  beforeAll(async () => {
    postgres = await postgresClient(await postgresDatabase());
    await migratePostgres(postgres);
  });

  async function postgresOutcome(spec: string): Promise<Outcome> {
    await postgres.query("BEGIN");
    try {
      await postgres.query(insertEvent.replace("$spec", "$1"), [spec]);
      return (await postgres.query<Exclude<Outcome, "refused">>(readEvent)).rows[0] ?? "refused";
    } catch {
      return "refused";
    } finally {
      await postgres.query("ROLLBACK");
    }
  }

  /** On a store of its own: nothing to roll back. */
  function sqliteOutcome(spec: string): Outcome {
    const { db } = freshDb();
    try {
      db.prepare(insertEvent.replace("$spec", "@spec")).run({ spec });
    } catch {
      return "refused";
    }
    return (db.prepare(readEvent).get() as Exclude<Outcome, "refused"> | undefined) ?? "refused";
  }

  it.each(eventSpecs)("are the same on both backends for an event with %s", async (_label, spec) => {
    expect(await postgresOutcome(spec)).toEqual(sqliteOutcome(spec));
  });

  it("read an agent's spec that is not JSON as no model, on both, instead of refusing it", async () => {
    const { db } = freshDb();
    const insert = "INSERT INTO agents (name, layer, revision, digest, file, spec, updated_at) VALUES ('a', 'workspace', 'r', 'd', 'agents/a/config.yaml', 'not json', 't')";
    db.exec(insert);
    await postgres.query(insert);
    expect((await postgres.query("SELECT model FROM agents")).rows).toEqual(db.prepare("SELECT model FROM agents").all());
  });
});

describe("schema-shape", () => {
  it("reads SQLite's generated columns too (pragma_table_info leaves them out)", () => {
    const { db } = freshDb();
    const events = sqliteSchema(db).tables.events;
    expect(events?.columns.filter((c) => c.generated).map((c) => c.name)).toEqual(["agent", "condition_type", "enabled", "origin", "expires_at"]);
  });
});
