// The tests' PostgreSQL (issue 16): the run's server from test/setup/postgres.ts, a database of
// its own per caller, and where initdb and pg_ctl are looked for.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describePostgres, postgresClient, postgresDatabase } from "../../support/postgres.js";
import { findPostgresBinaries } from "../../support/postgres-cluster.js";
import { tempDir } from "../helpers.js";

describePostgres("a test's PostgreSQL database", () => {
  let dropped = "";

  it("is new and empty, answers queries, and is another one on each call", async () => {
    const url = await postgresDatabase();
    const client = await postgresClient(url);
    expect((await client.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    expect((await client.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).rows).toEqual([]);
    expect(await postgresDatabase()).not.toBe(url);
    dropped = (await client.query<{ name: string }>("SELECT current_database() AS name")).rows[0]?.name ?? "";
    expect(dropped).toMatch(/^nexaas_test_/);
  });

  it("is dropped when the test that asked for it ends", async () => {
    const client = await postgresClient(await postgresDatabase());
    expect((await client.query("SELECT datname FROM pg_database WHERE datname = $1", [dropped])).rows).toEqual([]);
  });
});

describe("findPostgresBinaries", () => {
  /** `dir` with an executable stub for each of `names`. */
  function stubs(dir: string, ...names: string[]): string {
    mkdirSync(dir, { recursive: true });
    for (const name of names) {
      writeFileSync(join(dir, name), "#!/bin/sh\n");
      chmodSync(join(dir, name), 0o755);
    }
    return dir;
  }

  it("takes initdb and pg_ctl from the first PATH folder that has both", () => {
    const half = stubs(join(tempDir(), "bin"), "pg_ctl");
    const both = stubs(join(tempDir(), "bin"), "initdb", "pg_ctl");
    expect(findPostgresBinaries({ PATH: `${half}:${both}` }, join(tempDir(), "none"))).toEqual({ initdb: join(both, "initdb"), pgCtl: join(both, "pg_ctl") });
  });

  it("else takes Debian's highest version, and else says what to install", () => {
    const root = tempDir();
    for (const version of ["9.6", "15", "13"]) stubs(join(root, version, "bin"), "initdb", "pg_ctl");
    expect(findPostgresBinaries({ PATH: "" }, root)).toEqual({ initdb: join(root, "15", "bin", "initdb"), pgCtl: join(root, "15", "bin", "pg_ctl") });
    expect(findPostgresBinaries({ PATH: "" }, join(root, "none"))).toEqual({ missing: expect.stringContaining("apt-get install postgresql") });
  });
});
