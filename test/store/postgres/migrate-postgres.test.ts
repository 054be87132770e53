// migratePostgres (issue 16): numbered files applied once each, in order, however many
// controllers start on a new database at once; someone else's schema and a newer Nexaas's refused.
import { describe, expect, it } from "vitest";
import { migratePostgres, postgresMigrations } from "../../../controller/store/postgres/migrate-postgres.js";
import { StoreError } from "../../../controller/store/store-error.js";
import { describePostgres, postgresClient, postgresDatabase } from "../../support/postgres.js";

describe("the PostgreSQL migrations", () => {
  it("are numbered from 000001 with no gap", () => {
    expect(postgresMigrations.all().map((m) => m.id)).toEqual(postgresMigrations.all().map((_, i) => i + 1));
    expect(postgresMigrations.latest()).toBeGreaterThan(0);
  });
});

describePostgres("migratePostgres", () => {
  const every = postgresMigrations.all().map((m) => m.id);

  it("applies every migration to a new database and records each, then does nothing the second time", async () => {
    const client = await postgresClient(await postgresDatabase());
    expect(await migratePostgres(client)).toEqual(every);
    const recorded = (await client.query<{ id: number; name: string; applied_at: string }>("SELECT id, name, applied_at FROM migrations ORDER BY id")).rows;
    expect(recorded.map((r) => [r.id, r.name])).toEqual(postgresMigrations.all().map((m) => [m.id, m.name]));
    expect(recorded[0]?.applied_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const tables = async (): Promise<{ tablename: string }[]> => (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")).rows;
    const before = await tables();
    expect(await migratePostgres(client)).toEqual([]);
    expect(await tables()).toEqual(before);
    expect((await client.query("SELECT count(*)::int AS n FROM migrations")).rows).toEqual([{ n: every.length }]);
  });

  it("lets several controllers start on one new database at once: each succeeds, each migration applied once", async () => {
    const url = await postgresDatabase();
    const clients = await Promise.all([1, 2, 3].map(() => postgresClient(url)));
    const results = await Promise.all(clients.map((client) => migratePostgres(client)));
    // Each migration takes the lock on its own: one controller may apply the first, another the
    // next, but every one is applied by exactly one of them, and each in order.
    expect(results.flat().sort((a, b) => a - b)).toEqual(every);
    for (const ids of results) expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect((await clients[0]!.query("SELECT count(*)::int AS n FROM sync_status")).rows).toEqual([{ n: 1 }]);
  });

  it("refuses a schema that holds someone else's tables, and writes nothing to it", async () => {
    const client = await postgresClient(await postgresDatabase());
    await client.query("CREATE TABLE notes (id int PRIMARY KEY, text text)");
    const error = await migratePostgres(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: "not-nexaas", message: expect.stringContaining("has tables but no migrations table") });
    expect((await client.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).rows).toEqual([{ tablename: "notes" }]);
  });

  it("refuses a database a newer Nexaas migrated", async () => {
    const client = await postgresClient(await postgresDatabase());
    await migratePostgres(client);
    const newer = postgresMigrations.latest() + 1;
    await client.query("INSERT INTO migrations (id, name, applied_at) VALUES ($1, $2, 'then')", [newer, `${String(newer).padStart(6, "0")}.sql`]);
    await expect(migratePostgres(client)).rejects.toMatchObject({ code: "db-newer", message: expect.stringContaining(`at PostgreSQL migration ${newer}`) });
  });

  it("puts its tables in the connection's schema: a database can hold Nexaas beside other tables", async () => {
    const client = await postgresClient(await postgresDatabase());
    await client.query("CREATE TABLE notes (id int PRIMARY KEY); CREATE SCHEMA nexaas; SET search_path = nexaas");
    expect(await migratePostgres(client)).toEqual(every);
    expect((await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'nexaas' AND tablename = 'events'")).rows).toEqual([{ n: 1 }]);
    // The schema's functions (a generated column's, the usage trigger's) work for a writer whose search_path is elsewhere.
    await client.query("SET search_path = public");
    await client.query("INSERT INTO nexaas.agents (name, layer, revision, digest, file, spec, updated_at) VALUES ('a', 'workspace', 'r', 'd', 'f', '{\"model\": \"m\"}', 't')");
    await client.query("INSERT INTO nexaas.token_usage (model, input_tokens, created_at) VALUES ('m', 3, 't')");
    expect((await client.query("SELECT model, calls::int, input_tokens::int FROM nexaas.usage_totals")).rows).toEqual([{ model: "m", calls: 1, input_tokens: 3 }]);
  });
});
