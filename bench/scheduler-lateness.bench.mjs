// SPEC §7: a due run starts within 100 ms of its time (p99), where the seed's 30 s tick made
// it up to 30 s late; issue 11 asks for under 5 ms. A real controller (dist/, real clock, real
// SQLite, real git workspace) runs 8 events that fire every second (6-field cron) for DURATION
// seconds. Per run, from its scheduled time:
// - queued: created_at, when the scheduler's wake began firing the due events;
// - claimed: started_at, when a worker took the job and its run became `running` (the goal);
// - under way: the pool's `started` event, once the executor was called (for a script, its
//   process is spawned). The 8 runs of a second are spawned one after the other on one thread,
//   each spawn a fork and exec of a ~100 MB process, so the k-th starts k spawns after the first.
// The floor: a bare setTimeout in the same process, aimed between the slots, whose lateness the
// figures are divided by.
// Issue 16: the same on PostgreSQL (the bench server of bench/postgres-server.mjs, or
// NEXAAS_BENCH_POSTGRES_URL), one after the other in the same run; goal there: p99 < 50 ms.
// LATENESS_BENCH_BACKENDS=sqlite (or postgres) runs one.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { git, goal, loadNexaas, ratio, stats, table, tempDir } from "./lib.mjs";
import { benchPostgres } from "./postgres-server.mjs";

const { openDatabase } = await loadNexaas("store/open-database.js");
const { openPostgres } = await loadNexaas("store/open-postgres.js");
const { sqliteSql } = await loadNexaas("store/sql/sqlite-sql.js");
const { Controller } = await loadNexaas("controller.js");
const { createLogger } = await loadNexaas("log.js");

const events = 8;
const seconds = Number(process.env.LATENESS_BENCH_SECONDS ?? 30);
const backends = (process.env.LATENESS_BENCH_BACKENDS ?? "sqlite,postgres").split(",");
const dir = tempDir("lateness");
const ws = join(dir, "ws");
mkdirSync(join(ws, "events"), { recursive: true });
mkdirSync(join(ws, "agents/helper"), { recursive: true });
writeFileSync(join(ws, "nexaas.yaml"), "name: lateness\ndefaults: {agent: helper}\n");
writeFileSync(join(ws, "agents/helper/config.yaml"), "description: Helps.\n");
writeFileSync(join(ws, "agents/helper/prompt.md"), "You help.\n");
for (let i = 0; i < events; i++) {
  writeFileSync(join(ws, `events/tick-${i}.yaml`), `condition: {type: cron, expr: "* * * * * *", timezone: UTC}\naction: {type: script, command: "true"}\npolicy: {overlap: allow, catchup: skip}\n`);
}
git(ws, ["init", "-q", "-b", "main"]);
git(ws, ["add", "-A"]);
git(ws, ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "ticks"]);

const silent = createLogger({ LOG_LEVEL: "silent" }, new Writable({ write: (_c, _e, cb) => cb() }));
const wall = () => performance.timeOrigin + performance.now();
// Stored times have whole milliseconds; the in-process ones are fractional.
const ms = (a, b) => Date.parse(a) - Date.parse(b);
// p99 from the sorted samples (lib's stats gives median, p90 and max).
const p99 = (samples) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(0.99 * samples.length))];

/** One controller on `store` (a SQLite connection or a PostgreSQL pool) for `seconds`; the samples of its runs. */
async function measure(store, sql) {
  const controller = new Controller(store, { dir: ws, pollMs: 0, driftCheckMs: 0, workers: events, env: { PATH: process.env.PATH }, log: silent, frameworkDir: null });
  const underWay = [];
  controller.pool.on("started", (job) => {
    if (job.trigger === "schedule") underWay.push(wall() - Date.parse(job.scheduledFor));
  });
  // The floor: how late Node itself runs a timer in this process, aimed half a second after
  // each slot, when the loop is idle (aimed at the slot itself, it would queue behind the scheduler).
  const bare = [];
  let bareTimer;
  const aimBare = () => {
    const due = Math.ceil((Date.now() + 1 - 500) / 1000) * 1000 + 500;
    bareTimer = setTimeout(() => {
      bare.push(wall() - due);
      aimBare();
    }, due - Date.now());
  };
  await controller.start();
  aimBare();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearTimeout(bareTimer);
  await controller.stop(5000);
  const rows = await sql.all("SELECT scheduled_for, created_at, started_at FROM event_runs WHERE trigger = 'schedule' AND started_at IS NOT NULL");
  await sql.close();
  return {
    rows: rows.length,
    queued: rows.map((r) => ms(r.created_at, r.scheduled_for)),
    claimed: rows.map((r) => ms(r.started_at, r.scheduled_for)),
    underWay,
    bare,
  };
}

const results = [];
for (const backend of backends) {
  if (backend === "sqlite") {
    const db = openDatabase(join(dir, "nexaas.db"));
    results.push({ backend, goalMs: 5, ...(await measure(db, sqliteSql(db))) });
  } else if (backend === "postgres") {
    const server = await benchPostgres();
    try {
      const sql = await openPostgres(await server.database());
      results.push({ backend, goalMs: 50, ...(await measure(sql, sql)) });
    } finally {
      await server.stop();
    }
  } else throw new Error(`LATENESS_BENCH_BACKENDS: unknown backend ${backend} (sqlite, postgres)`);
}

for (const r of results) {
  const floor = stats(r.bare);
  const row = (label, samples) => {
    const s = stats(samples);
    return [label, samples.length, s.median.toFixed(1), p99(samples).toFixed(1), s.max.toFixed(1), ratio(Math.max(s.median, 0.1), Math.max(floor.median, 0.1))];
  };
  console.log(`\n${r.backend}: ${r.rows} firings of ${events} events every second for ${seconds} s (real controller, real clock)`);
  table(
    ["lateness from the scheduled time", "runs", "p50 ms", "p99 ms", "max ms", "p50 x bare timer"],
    [
      row("queued: the scheduler's wake", r.queued),
      row("claimed: run running (started_at)", r.claimed),
      row("under way: executor called, spawned", r.underWay),
      row("bare setTimeout (the floor)", r.bare),
    ],
  );
  goal(`${r.backend}: due-to-started (claimed) lateness p99`, p99(r.claimed), r.goalMs, " ms");
  goal(`${r.backend}: due-to-started (claimed) lateness p99, SPEC §7`, p99(r.claimed), 100, " ms");
  if (r.rows < events * (seconds - 2)) throw new Error(`${r.backend}: only ${r.rows} firings: the scheduler missed slots`);
}
