import { describe, expect } from "vitest";
import { recordApplied, recordFailed } from "../../controller/store/sync-status.js";
import { backends, testOn } from "./backends.js";

describe.each(backends)("the reconcile history on $name", ({ missing, open }) => {
  const it = testOn(missing);

  it("keeps one entry per outcome: a repeat of the newest is not added, the same outcome after another is", async () => {
    const sql = await open();
    const at = (m: number) => new Date(Date.UTC(2026, 10, 23, 9, m));
    await recordApplied(sql, { revision: "a1", key: "k", at: at(0), drift: [] });
    // A drift check re-applying the live revision.
    await recordApplied(sql, { revision: "a1", key: "k", at: at(10), drift: ["agent/helper"] });
    await recordFailed(sql, { revision: null, at: at(11), message: "fetch failed" });
    await recordFailed(sql, { revision: null, at: at(12), message: "fetch failed" });
    await recordFailed(sql, { revision: null, at: at(13), message: "another failure" });
    await recordApplied(sql, { revision: "a1", key: "k", at: at(14), drift: [] });
    const rows = await sql.all<{ revision: string | null; result: string; at: string; errors: string }>(
      "SELECT revision, result, at, errors FROM reconcile_history ORDER BY id DESC LIMIT 10",
    );
    expect(rows.map((r) => [r.revision, r.result, r.at.slice(11, 16), (JSON.parse(r.errors) as { message: string }[]).map((e) => e.message)])).toEqual([
      ["a1", "applied", "09:14", []],
      [null, "error", "09:13", ["another failure"]],
      [null, "error", "09:11", ["fetch failed"]],
      ["a1", "applied", "09:00", []],
    ]);
  });
});
