import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { tempDir } from "../cli/helpers.js";

describe("the API's authentication", () => {
  it("serves health to anyone; every other route needs the bearer token (401 without, 403 wrong)", async () => {
    const db = openDatabase(join(tempDir(), "n.db"));
    const app = await buildServer({ sql: sqliteSql(db), apiKey: "k-123", env: {} });
    try {
      expect((await app.inject("/api/health")).json()).toMatchObject({ status: "ok", database: "ok" });
      expect((await app.inject("/api/status")).statusCode).toBe(401);
      expect((await app.inject({ url: "/api/status", headers: { authorization: "Bearer nope" } })).statusCode).toBe(403);
      expect((await app.inject({ url: "/api/nothing-here", headers: { authorization: "Bearer k-123" } })).statusCode).toBe(404);
    } finally {
      await app.close();
      db.close();
    }
  });
});
