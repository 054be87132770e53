import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { Controller } from "../../controller/controller.js";
import { createLogger } from "../../controller/log.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import type { WorkerPoolEvents } from "../../controller/workers/worker-pool.js";
import { isolateGit, tempDir } from "../cli/helpers.js";
import { FakeClock } from "../support/fake-clock.js";
import { gitWorkspace } from "../support/git-workspace.js";
import { baseWorkspace } from "../support/tree.js";

beforeAll(() => isolateGit());
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

// Characters that URL-encoding changes and base64 carries as + and /.
const secret = "s3cr3t/Tok+en=42&x y";
/** Every form a script may print the secret in, as text, to be looked for in the stored bytes. */
const leaks: Record<string, string> = {
  plain: secret,
  base64: Buffer.from(secret).toString("base64"),
  base64url: Buffer.from(secret).toString("base64url"),
  "url-encoded": encodeURIComponent(secret),
  // The value in the middle of a longer base64 text (a Basic auth header).
  "inside base64": Buffer.from(`user:${secret}`).toString("base64").slice(8, 28),
};

// The script prints the secret in each form to stdout and to stderr; `fail` exits 3 after it.
const leakCommand = (exit: string): string =>
  [
    'echo "plain: $API_TOKEN"',
    'printf %s "$API_TOKEN" | base64',
    "node -e 'console.log(encodeURIComponent(process.env.API_TOKEN))'",
    'printf "user:%s" "$API_TOKEN" | base64',
    'echo "stderr: $API_TOKEN" >&2',
    'printf %s "$API_TOKEN" | base64 >&2',
    exit,
  ].join("; ");

const event = (command: string) => `condition: {type: interval, expr: 1m}\naction:\n  type: script\n  command: ${JSON.stringify(command)}\n  env: [API_TOKEN]\npolicy: {retries: 0}\n`;
const flow = [
  "trigger: {type: interval, expr: 1m}",
  "policy: {retries: 0}",
  "steps:",
  `  - {id: leak, action: script, env: [API_TOKEN], command: ${JSON.stringify(leakCommand("exit 0"))}}`,
  // A later step sees the earlier step's output as it was recorded, masked.
  '  - {id: repeat, action: script, command: \'echo "before: $NEXAAS_STEPS_LEAK_OUTPUT"\'}',
  "",
].join("\n");

type Finished = WorkerPoolEvents["finished"][0];

describe("a secret a script echoes (finding 5)", () => {
  it("reaches neither the run row, the database file, its WAL, the API answer nor the logs, in any encoding", async () => {
    const ws = gitWorkspace({
      ...baseWorkspace,
      "events/leaks.yaml": event(leakCommand("exit 0")),
      "events/fails.yaml": event(leakCommand("exit 3")),
      "flows/relay.yaml": flow,
    });
    const path = join(tempDir(), "nexaas.db");
    const db = openDatabase(path);
    let logs = "";
    const log = createLogger({ LOG_LEVEL: "trace" }, new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString("utf8")), done()) }));
    const clock = new FakeClock(Date.parse("2026-11-23T10:00:00.000Z"));
    const controller = new Controller(db, { dir: ws.dir, pollMs: 0, driftCheckMs: 0, env: { PATH: process.env.PATH, API_TOKEN: secret }, log, clock, frameworkDir: null });
    await controller.start();
    cleanup.push(
      () => {
        db.close();
      },
      () => controller.stop(0),
    );

    const outcomes: Finished[] = [];
    const all = new Promise<void>((done) => {
      controller.pool.on("finished", (f) => {
        outcomes.push(f);
        // What `nexaas start` logs of each run: its status and error.
        log.warn({ event: f.job.eventId, run: f.job.runId, status: f.outcome.status, error: f.outcome.error }, "run finished");
        if (outcomes.length === 3) done();
      });
    });
    await clock.advance(60_000);
    await all;

    const rows = db.prepare("SELECT id, event_id, status, output, error FROM event_runs ORDER BY event_id").all() as { id: number; event_id: string; status: string; output: string | null; error: string | null }[];
    expect(rows.map((r) => [r.event_id, r.status])).toEqual([
      ["fails", "failed"],
      ["flow:relay", "success"],
      ["leaks", "success"],
    ]);
    // The runs did print: what is left is the mask.
    expect(rows.find((r) => r.event_id === "leaks")?.output).toContain("plain: ***");
    expect(rows.find((r) => r.event_id === "fails")?.error).toContain("stderr: ***");
    expect(rows.find((r) => r.event_id === "flow:relay")?.output).toContain("before: plain: ***");

    const app = await buildServer({ sql: sqliteSql(db), apiKey: "k-test", env: {}, clock });
    cleanup.push(() => app.close());
    const answers = await Promise.all(rows.map((r) => app.inject({ method: "GET", url: `/api/runs/${r.id}`, headers: { authorization: "Bearer k-test" } })));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const events = await app.inject({ method: "GET", url: "/api/events", headers: { authorization: "Bearer k-test" } });

    // Read while the controller still holds the database: the WAL has not been folded in yet.
    const stored = { db: readFileSync(path).toString("latin1"), wal: readFileSync(`${path}-wal`).toString("latin1") };
    expect(stored.wal.length).toBeGreaterThan(0);
    const places: Record<string, string> = {
      rows: JSON.stringify(rows),
      ...stored,
      api: answers.map((a) => a.body).join("\n") + events.body,
      logs,
      outcomes: JSON.stringify(outcomes.map((o) => o.outcome)),
    };
    for (const [place, text] of Object.entries(places)) {
      for (const [form, value] of Object.entries(leaks)) expect(text.includes(value), `${form} form of the secret in ${place}`).toBe(false);
    }
  });
});
