import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";

describe("GET /api/status budget_daily_usd", () => {
  it("is nexaas.yaml budget.daily_usd as applied, and null once the budget is taken out", async () => {
    const ws = gitWorkspace({ ...baseWorkspace, "nexaas.yaml": "name: test-ops\ndefaults:\n  agent: helper\nbudget:\n  daily_usd: 12.5\n" });
    const db = openDatabase(join(tempDir(), "nexaas.db"));
    const app = await buildServer({ sql: sqliteSql(db), apiKey: "k", env: {}, uiDir: null });
    const budget = async () => (await app.inject({ url: "/api/status", headers: { authorization: "Bearer k" } })).json<{ budget_daily_usd: unknown }>().budget_daily_usd;
    try {
      expect((await reconcile(sqliteSql(db), { dir: ws.dir, frameworkDir: null })).result).toBe("applied");
      expect(await budget()).toBe(12.5);
      ws.commit({ "nexaas.yaml": "name: test-ops\ndefaults:\n  agent: helper\n" });
      expect((await reconcile(sqliteSql(db), { dir: ws.dir, frameworkDir: null })).result).toBe("applied");
      expect(await budget()).toBeNull();
    } finally {
      await app.close();
      db.close();
    }
  });
});
