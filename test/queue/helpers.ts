import { afterEach, it } from "vitest";
import { enqueueRun, type EnqueueRunInput } from "../../controller/queue/enqueue-run.js";
import { openDatabase } from "../../controller/store/open-database.js";
import { PostgresSql } from "../../controller/store/sql/postgres-sql.js";
import type { Sql } from "../../controller/store/sql/sql.js";
import { sqliteSql } from "../../controller/store/sql/sqlite-sql.js";
import { openPostgres } from "../../controller/store/open-postgres.js";
import { postgresDatabase, testPostgres } from "../support/postgres.js";
import { freshDb, track } from "../store/helpers.js";

export { freshDb, track } from "../store/helpers.js";

export const t0 = new Date("2026-11-23T09:00:00.000Z");
/** t0 plus `ms`. */
export const after = (ms: number, from: Date = t0): Date => new Date(from.getTime() + ms);

/** A fresh queue store, and a way to reach it as someone else. */
export interface QueueStore {
  sql: Sql;
  /** Another handle on the same database: a second SQLite connection, or a second controller's PostgreSQL pool. */
  connect(): Promise<Sql>;
}

export interface Backend {
  name: "sqlite" | "postgres";
  /** Why its cases are skipped here (no PostgreSQL server), or undefined. */
  skip: string | undefined;
  open(): Promise<QueueStore>;
}

const pools: PostgresSql[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function postgres(url: string): PostgresSql {
  const sql = new PostgresSql(url, { max: 4 });
  pools.push(sql);
  return sql;
}

/** The queue's tests run on both: a fresh SQLite file, or a fresh PostgreSQL database with the queue's tables. */
export const backends: Backend[] = [
  {
    name: "sqlite",
    skip: undefined,
    open: () => {
      const { db, path } = freshDb();
      return Promise.resolve({ sql: sqliteSql(db), connect: () => Promise.resolve(sqliteSql(track(openDatabase(path)))) });
    },
  },
  {
    name: "postgres",
    skip: "missing" in testPostgres ? testPostgres.missing : undefined,
    open: async () => {
      const url = await postgresDatabase();
      // The real schema: PostgreSQL's own migrations, as a controller applies them.
      const sql = await openPostgres(url, { max: 4 });
      pools.push(sql);
      return { sql, connect: () => Promise.resolve(postgres(url)) };
    },
  },
];

/** `it` for one backend's cases: skipped when the backend is missing, saying why once per file. */
export function backendTest(backend: Backend, file: string): typeof it | typeof it.skip {
  if (!backend.skip) return it;
  console.warn(`${file}: ${backend.name} cases skipped, ${backend.skip}`);
  return it.skip;
}

/** Queues a run of `eventId` ready at t0 (a manual run unless `input` says otherwise); fails the test if nothing was queued. */
export async function enqueue(sql: Sql, eventId: string, input: Partial<EnqueueRunInput> = {}, now: Date = t0): Promise<{ runId: number; jobId: number }> {
  const queued = await enqueueRun(sql, { eventId, scheduledFor: now, trigger: "manual", runAt: now, priority: 5, maxAttempts: 3, ...input }, now);
  if (!queued) throw new Error(`nothing queued for ${eventId}`);
  return queued;
}

export interface RunRow {
  status: string;
  attempt: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  output: string | null;
  error: string | null;
}

export interface JobRow {
  status: string;
  attempts: number;
  run_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
}

export const runRow = async (sql: Sql, runId: number): Promise<RunRow | undefined> =>
  sql.get<RunRow>("SELECT status, attempt, started_at, finished_at, duration_ms, output, error FROM event_runs WHERE id = ?", [runId]);

export const jobRow = async (sql: Sql, jobId: number): Promise<JobRow | undefined> =>
  sql.get<JobRow>("SELECT status, attempts, run_at, lease_owner, lease_expires_at, last_error FROM job_queue WHERE id = ?", [jobId]);

/** Rows in `table`. */
export const rowCount = async (sql: Sql, table: "event_runs" | "job_queue"): Promise<number> => (await sql.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))?.n ?? 0;
