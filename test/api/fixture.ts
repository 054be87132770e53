import { join } from "node:path";
import type { Database } from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../controller/api/build-server.js";
import type { Clock } from "../../controller/clock.js";
import { reconcile } from "../../controller/reconcile/reconcile.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { tempDir } from "../cli/helpers.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace, type Tree } from "../support/tree.js";

export const token = "k-api-test";
export const auth = { authorization: `Bearer ${token}` };
/** The API's clock in these tests. */
export const now = new Date("2026-11-23T10:00:00.000Z");

/** A workspace with one of each kind. */
export const apiWorkspace: Tree = {
  ...baseWorkspace,
  "agents/writer/config.yaml": "description: Writes reports.\nmodel: claude-sonnet-4-5\nskills: [health-check]\n",
  "agents/writer/prompt.md": "You write.\n",
  "skills/health-check.md": "# health-check\nChecks health.\n\nSteps here.\n",
  "events/daily.yaml": "condition: {type: cron, expr: '0 9 * * *'}\naction: {type: claude_chat, agent: writer, prompt: Report.}\ndescription: The daily report.\n",
  "events/tick.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: echo tick}\n",
  "events/off.yaml": "condition: {type: interval, expr: 1h}\naction: {type: script, command: echo off}\nenabled: false\n",
  "flows/fetch.yaml": "description: Fetches.\ntrigger: {type: interval, expr: 1h}\nsteps:\n  - {id: get, action: script, command: echo got}\n  - {id: tell, action: script, command: echo told}\n",
  "registries/suppliers.yaml": "fields:\n  name: {type: string, required: true}\nentries:\n  - name: Parts Ltd\n",
};

/** apiWorkspace reconciled into a real SQLite file, and a server over it. */
export async function apiFixture(): Promise<{ db: Database; app: FastifyInstance; close(): Promise<void> }> {
  const ws = gitWorkspace(apiWorkspace);
  const db = openDatabase(join(tempDir(), "nexaas.db"));
  const result = await reconcile(sqliteSql(db), { dir: ws.dir, frameworkDir: null, now: new Date("2026-11-23T08:00:00.000Z") });
  if (result.result !== "applied") throw new Error(`fixture did not apply: ${JSON.stringify(result)}`);
  const clock: Clock = { now: () => now } as Clock;
  const app = await buildServer({ sql: sqliteSql(db), apiKey: token, env: {}, clock });
  return {
    db,
    app,
    async close() {
      await app.close();
      db.close();
    },
  };
}
