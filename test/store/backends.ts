import { afterEach, it } from "vitest";
import { openPostgres } from "../../controller/store/open-postgres.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { postgresDatabase, testPostgres } from "../support/postgres.js";
import { freshDb } from "./helpers.js";

const opened: Sql[] = [];
afterEach(async () => {
  for (const sql of opened.splice(0)) await sql.close();
});

/** Both stores, for describe.each: the same inputs must give the same results. PostgreSQL's cases skip, saying why, when it is missing. */
export const backends = [
  { name: "sqlite", missing: undefined, open: (): Promise<Sql> => Promise.resolve(sqliteSql(freshDb().db)) },
  {
    name: "postgres",
    missing: "missing" in testPostgres ? testPostgres.missing : undefined,
    open: async (): Promise<Sql> => {
      const sql = await openPostgres(await postgresDatabase());
      opened.push(sql);
      return sql;
    },
  },
];

/** `it`, or a skip that names what is missing. */
export function testOn(missing: string | undefined): (title: string, body: () => Promise<void>) => void {
  return missing ? (title) => it.skip(`${title} (needs PostgreSQL: ${missing})`, () => {}) : (title, body) => it(title, body);
}
