import { afterEach, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../controller/definitions/diagnostic.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { recordApplied, recordFailed, recordInvalid, recordUnchanged } from "../../controller/store/sync-status.js";
import { bearer, apiKey, type HttpServer, httpServer } from "./http-server.js";

let server: HttpServer;
afterEach(async () => server?.close());

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 9, minute));
const error: Diagnostic = { file: "events/daily.yaml", line: 2, column: 3, rule: "cron", severity: "error", message: "invalid cron expression" };

describe("GET /api/revisions", () => {
  it("pages the reconcile history newest first: applied, refused with its errors, unchanged", async () => {
    server = await httpServer();
    await recordApplied(sqliteSql(server.db), { revision: "a1", key: "k1", at: at(0), drift: [] });
    await recordInvalid(sqliteSql(server.db), { revision: "b2", at: at(5), errors: [error] });
    await recordUnchanged(sqliteSql(server.db), { revision: "c3", at: at(10) });
    await recordFailed(sqliteSql(server.db), { revision: null, at: at(15), message: "git: unknown revision main" });
    // The same failure at the next poll is not a new entry.
    await recordFailed(sqliteSql(server.db), { revision: null, at: at(16), message: "git: unknown revision main" });

    const first = await (await server.get("/api/revisions?limit=2", bearer(apiKey))).json();
    expect(first).toEqual({
      revisions: [
        {
          id: 4,
          revision: null,
          result: "refused",
          reason: "error",
          at: "2026-11-23T09:15:00.000Z",
          errors: [{ file: "", line: 0, column: 0, rule: "reconcile-error", severity: "error", message: "git: unknown revision main" }],
        },
        { id: 3, revision: "c3", result: "unchanged", at: "2026-11-23T09:10:00.000Z", errors: [] },
      ],
      next_before: 3,
    });
    const second = await (await server.get("/api/revisions?limit=2&before=3", bearer(apiKey))).json();
    expect(second).toEqual({
      revisions: [
        { id: 2, revision: "b2", result: "refused", reason: "invalid", at: "2026-11-23T09:05:00.000Z", errors: [error] },
        { id: 1, revision: "a1", result: "applied", at: "2026-11-23T09:00:00.000Z", errors: [] },
      ],
      next_before: 1,
    });
    expect(await (await server.get("/api/revisions?before=1", bearer(apiKey))).json()).toEqual({ revisions: [], next_before: null });
  });

  it("refuses a bad limit or cursor (400)", async () => {
    server = await httpServer();
    for (const query of ["limit=0", "limit=501", "limit=x", "before=-1"]) {
      const response = await server.get(`/api/revisions?${query}`, bearer(apiKey));
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: "bad_request" });
    }
  });
});
