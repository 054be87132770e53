import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { afterEach, beforeAll, describe, expect } from "vitest";
import { buildServer } from "../../controller/api/build-server.js";
import { createLogger } from "../../controller/log.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import type { WorkerPoolEvents } from "../../controller/workers/worker-pool.js";
import { isolateGit } from "../cli/helpers.js";
import { controllerBackends, startTestController, testOn } from "../support/controller-backends.js";
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

/** Every row of every table of the PostgreSQL database, as text: what the server stores. */
async function everyRow(sql: Sql): Promise<string> {
  const tables = await sql.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
  let text = "";
  for (const { name } of tables) {
    const rows = await sql.all<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
    text += rows.map((r) => r.row).join("\n");
  }
  return text;
}

describe.each(controllerBackends)("a secret a script echoes (finding 5), on $name", (backend) => {
  const it = testOn(backend);

  it("reaches neither the run row, the stored data (SQLite: the database file and its WAL; PostgreSQL: every row), the API answer nor the logs, in any encoding", async () => {
    const ws = gitWorkspace({
      ...baseWorkspace,
      "events/leaks.yaml": event(leakCommand("exit 0")),
      "events/fails.yaml": event(leakCommand("exit 3")),
      "flows/relay.yaml": flow,
    });
    let logs = "";
    const log = createLogger({ LOG_LEVEL: "trace" }, new Writable({ write: (chunk: Buffer, _e, done) => ((logs += chunk.toString("utf8")), done()) }));
    const clock = new FakeClock(Date.parse("2026-11-23T10:00:00.000Z"));
    const { controller, sql, path } = await startTestController(backend.name, { dir: ws.dir, pollMs: 0, driftCheckMs: 0, env: { PATH: process.env.PATH, API_TOKEN: secret }, log, clock, frameworkDir: null }, cleanup);

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

    const rows = await sql.all<{ id: number; event_id: string; status: string; output: string | null; error: string | null }>("SELECT id, event_id, status, output, error FROM event_runs ORDER BY event_id");
    expect(rows.map((r) => [r.event_id, r.status])).toEqual([
      ["fails", "failed"],
      ["flow:relay", "success"],
      ["leaks", "success"],
    ]);
    // The runs did print: what is left is the mask.
    expect(rows.find((r) => r.event_id === "leaks")?.output).toContain("plain: ***");
    expect(rows.find((r) => r.event_id === "fails")?.error).toContain("stderr: ***");
    expect(rows.find((r) => r.event_id === "flow:relay")?.output).toContain("before: plain: ***");

    const app = await buildServer({ sql, apiKey: "k-test", env: {}, clock });
    cleanup.push(() => app.close());
    const answers = await Promise.all(rows.map((r) => app.inject({ method: "GET", url: `/api/runs/${r.id}`, headers: { authorization: "Bearer k-test" } })));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const events = await app.inject({ method: "GET", url: "/api/events", headers: { authorization: "Bearer k-test" } });

    // SQLite: the file's bytes, read while the controller still holds the database (the WAL has not been
    // folded in yet). PostgreSQL keeps its files on the server: every row of every table, as text.
    let stored: Record<string, string>;
    if (path) {
      const wal = readFileSync(`${path}-wal`).toString("latin1");
      expect(wal.length).toBeGreaterThan(0);
      stored = { db: readFileSync(path).toString("latin1"), wal };
    } else {
      stored = { rows: await everyRow(sql) };
      expect(stored.rows).toContain("plain: ***");
    }
    const places: Record<string, string> = {
      ...stored,
      runs: JSON.stringify(rows),
      api: answers.map((a) => a.body).join("\n") + events.body,
      logs,
      outcomes: JSON.stringify(outcomes.map((o) => o.outcome)),
    };
    for (const [place, text] of Object.entries(places)) {
      for (const [form, value] of Object.entries(leaks)) expect(text.includes(value), `${form} form of the secret in ${place}`).toBe(false);
    }
  });
});
