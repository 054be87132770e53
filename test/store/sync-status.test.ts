import { describe, expect } from "vitest";
import type { Diagnostic } from "../../controller/definitions/diagnostic.js";
import { getSyncStatus, recordApplied, recordFailed, recordInvalid, recordUnchanged } from "../../controller/store/sync-status.js";
import { backends, testOn } from "./backends.js";
import { at } from "./helpers.js";

const error: Diagnostic = { file: "events/daily.yaml", line: 3, column: 9, rule: "cron-expression", severity: "error", message: "bad cron" };

describe.each(backends)("sync status on $name", ({ missing, open }) => {
  const it = testOn(missing);

  it("starts empty", async () => {
    const sql = await open();
    expect(await getSyncStatus(sql)).toEqual({
      last_applied_revision: null,
      last_applied_key: null,
      last_applied_at: null,
      last_attempted_revision: null,
      last_attempted_at: null,
      last_result: null,
      errors: [],
      drift: [],
    });
  });

  it("keeps the applied revision live through an invalid one, then moves on with the fix", async () => {
    const sql = await open();
    await recordApplied(sql, { revision: "a1", key: "tree1:fw", at: at("2026-11-23T09:00:00.000Z"), drift: ["agent/helper"] });
    expect(await getSyncStatus(sql)).toEqual({
      last_applied_revision: "a1",
      last_applied_key: "tree1:fw",
      last_applied_at: "2026-11-23T09:00:00.000Z",
      last_attempted_revision: "a1",
      last_attempted_at: "2026-11-23T09:00:00.000Z",
      last_result: "applied",
      errors: [],
      drift: ["agent/helper"],
    });

    await recordInvalid(sql, { revision: "b2", at: at("2026-11-23T09:05:00.000Z"), errors: [error] });
    expect(await getSyncStatus(sql)).toMatchObject({
      last_applied_revision: "a1",
      last_applied_key: "tree1:fw",
      last_applied_at: "2026-11-23T09:00:00.000Z",
      last_attempted_revision: "b2",
      last_attempted_at: "2026-11-23T09:05:00.000Z",
      last_result: "invalid",
      errors: [error],
    });

    await recordApplied(sql, { revision: "c3", key: "tree3:fw", at: at("2026-11-23T09:10:00.000Z"), drift: [] });
    expect(await getSyncStatus(sql)).toMatchObject({
      last_applied_revision: "c3",
      last_attempted_revision: "c3",
      last_result: "applied",
      errors: [],
      drift: [],
    });
  });

  it("records an unchanged revision as attempted only, and clears the errors of an earlier invalid one", async () => {
    const sql = await open();
    await recordApplied(sql, { revision: "a1", key: "k", at: at("2026-11-23T09:00:00.000Z"), drift: [] });
    await recordInvalid(sql, { revision: "b2", at: at("2026-11-23T09:05:00.000Z"), errors: [error] });
    await recordUnchanged(sql, { revision: "c3", at: at("2026-11-23T09:10:00.000Z") });
    expect(await getSyncStatus(sql)).toMatchObject({
      last_applied_revision: "a1",
      last_applied_at: "2026-11-23T09:00:00.000Z",
      last_attempted_revision: "c3",
      last_attempted_at: "2026-11-23T09:10:00.000Z",
      last_result: "unchanged",
      errors: [],
    });
  });

  it("records a reconcile that failed for another reason as an error, keeping what is live", async () => {
    const sql = await open();
    await recordApplied(sql, { revision: "a1", key: "k", at: at("2026-11-23T09:00:00.000Z"), drift: ["agent/helper"] });
    await recordFailed(sql, { revision: "b2", at: at("2026-11-23T09:05:00.000Z"), message: "git: bad object b2" });
    const failed = {
      last_applied_revision: "a1",
      last_applied_key: "k",
      last_applied_at: "2026-11-23T09:00:00.000Z",
      last_attempted_revision: "b2",
      last_attempted_at: "2026-11-23T09:05:00.000Z",
      last_result: "error",
      errors: [{ file: "", line: 0, column: 0, rule: "reconcile-error", severity: "error", message: "git: bad object b2" }],
      drift: ["agent/helper"],
    };
    expect(await getSyncStatus(sql)).toEqual(failed);

    // No revision resolved (say, the branch is gone): the last attempted one stays named.
    await recordFailed(sql, { revision: null, at: at("2026-11-23T09:10:00.000Z"), message: "unknown revision main" });
    expect(await getSyncStatus(sql)).toEqual({
      ...failed,
      last_attempted_at: "2026-11-23T09:10:00.000Z",
      errors: [{ ...failed.errors[0], message: "unknown revision main" }],
    });

    await recordApplied(sql, { revision: "c3", key: "k3", at: at("2026-11-23T09:15:00.000Z"), drift: [] });
    expect(await getSyncStatus(sql)).toMatchObject({ last_applied_revision: "c3", last_result: "applied", errors: [] });
  });
});
