import { describe, expect, it } from "vitest";
import { listRevisions } from "../../controller/store/list-revisions.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { recordApplied, recordFailed } from "../../controller/store/sync-status.js";
import { freshDb } from "./helpers.js";

describe("the reconcile history", () => {
  it("keeps one entry per outcome: a repeat of the newest is not added, the same outcome after another is", async () => {
    const { db } = freshDb();
    const at = (m: number) => new Date(Date.UTC(2026, 10, 23, 9, m));
    recordApplied(db, { revision: "a1", key: "k", at: at(0), drift: [] });
    // A drift check re-applying the live revision.
    recordApplied(db, { revision: "a1", key: "k", at: at(10), drift: ["agent/helper"] });
    recordFailed(db, { revision: null, at: at(11), message: "fetch failed" });
    recordFailed(db, { revision: null, at: at(12), message: "fetch failed" });
    recordFailed(db, { revision: null, at: at(13), message: "another failure" });
    recordApplied(db, { revision: "a1", key: "k", at: at(14), drift: [] });
    expect((await listRevisions(sqliteSql(db), { limit: 10 })).map((r) => [r.revision, r.result, r.at.slice(11, 16), r.errors.map((e) => e.message)])).toEqual([
      ["a1", "applied", "09:14", []],
      [null, "error", "09:13", ["another failure"]],
      [null, "error", "09:11", ["fetch failed"]],
      ["a1", "applied", "09:00", []],
    ]);
  });
});
