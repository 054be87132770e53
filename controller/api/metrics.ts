import type { Database } from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { Counter, Gauge, Histogram, type MetricObjectWithValues, type MetricType, type MetricValueWithName, Registry } from "prom-client";
import { queueDepth } from "../queue/queue-depth.js";
import { prepared } from "../store/prepared.js";
import { getSyncStatus } from "../store/sync-status.js";

/** Run durations, in seconds. */
export const durationBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
/** How late a scheduled run started, in seconds. */
export const latenessBuckets = [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600];

/**
 * GET /metrics (SPEC §5): Prometheus text format, read from the database at
 * scrape time, so it holds across restarts and whichever process ran the work.
 * One Registry per server (never prom-client's global one).
 */
export default async function metrics(app: FastifyInstance): Promise<void> {
  const registry = metricsRegistry(app.deps.db, () => app.deps.clock.now());
  // Reconciles happen in this process; their count and duration are observed live.
  const reconciles = new Histogram({
    name: "nexaas_reconcile_duration_seconds",
    help: "Reconciles by result (applied, unchanged, invalid) and how long each took.",
    labelNames: ["result"],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.deps.subscribeReconciles((result, seconds) => reconciles.observe({ result }, seconds));
  app.get("/metrics", async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}

/** The registry of every Nexaas metric, each collected from `db` when scraped. */
export function metricsRegistry(db: Database, now: () => Date): Registry {
  const registry = new Registry();
  const registers = [registry];

  new Gauge({
    name: "nexaas_runs",
    help: "Runs recorded in event_runs, by event and current status.",
    labelNames: ["event", "status"],
    registers,
    collect() {
      this.reset();
      for (const row of rows<{ event_id: string; status: string; n: number }>(db, "SELECT event_id, status, count(*) AS n FROM event_runs GROUP BY event_id, status")) {
        this.set({ event: row.event_id, status: row.status }, row.n);
      }
    },
  });

  registry.registerMetric(
    new SqlHistogram(db, {
      name: "nexaas_run_duration_seconds",
      help: "Duration of finished runs, by event.",
      label: "event",
      buckets: durationBuckets,
      // duration_ms / 1000 as seconds; the label column first.
      from: "SELECT event_id AS label, duration_ms / 1000.0 AS v FROM event_runs WHERE duration_ms IS NOT NULL",
    }),
  );

  registry.registerMetric(
    new SqlHistogram(db, {
      name: "nexaas_schedule_lateness_seconds",
      help: "How long after its scheduled time a schedule or catch-up run started, by trigger.",
      label: "trigger",
      buckets: latenessBuckets,
      from: `SELECT trigger AS label, max(0, (julianday(started_at) - julianday(scheduled_for)) * 86400.0) AS v
             FROM event_runs WHERE trigger IN ('schedule', 'catchup') AND started_at IS NOT NULL`,
    }),
  );

  new Gauge({
    name: "nexaas_queue_jobs",
    help: "Jobs in job_queue, by state.",
    labelNames: ["state"],
    registers,
    collect() {
      const depth = queueDepth(db, now());
      for (const state of ["queued", "running", "success", "failed", "cancelled"] as const) this.set({ state }, depth[state]);
    },
  });

  new Gauge({
    name: "nexaas_queue_ready_jobs",
    help: "Queued jobs whose run_at has passed (claimable now).",
    registers,
    collect() {
      this.set(queueDepth(db, now()).ready);
    },
  });

  const usageSql = `SELECT model, sum(input_tokens) AS input, sum(output_tokens) AS output,
    sum(cache_creation_input_tokens) AS cache_creation, sum(cache_read_input_tokens) AS cache_read,
    total(cost_usd) AS cost, count(*) AS calls FROM token_usage GROUP BY model`;
  type Usage = { model: string; input: number; output: number; cache_creation: number; cache_read: number; cost: number; calls: number };

  new Counter({
    name: "nexaas_tokens_total",
    help: "Tokens used by model calls, by model and type (input, output, cache_creation, cache_read).",
    labelNames: ["model", "type"],
    registers,
    collect() {
      this.reset();
      for (const row of rows<Usage>(db, usageSql)) {
        for (const type of ["input", "output", "cache_creation", "cache_read"] as const) this.inc({ model: row.model, type }, row[type]);
      }
    },
  });

  new Counter({
    name: "nexaas_cost_usd_total",
    help: "Cost of model calls in US dollars, by model (calls of unpriced models count nothing).",
    labelNames: ["model"],
    registers,
    collect() {
      this.reset();
      for (const row of rows<Usage>(db, usageSql)) this.inc({ model: row.model }, row.cost);
    },
  });

  new Counter({
    name: "nexaas_model_calls_total",
    help: "Model calls recorded in token_usage, by model.",
    labelNames: ["model"],
    registers,
    collect() {
      this.reset();
      for (const row of rows<Usage>(db, usageSql)) this.inc({ model: row.model }, row.calls);
    },
  });

  new Gauge({
    name: "nexaas_last_applied_revision_info",
    help: "The revision last applied (value 1; absent before the first apply).",
    labelNames: ["revision"],
    registers,
    collect() {
      this.reset();
      const revision = getSyncStatus(db).last_applied_revision;
      if (revision) this.set({ revision }, 1);
    },
  });

  new Gauge({
    name: "nexaas_reconcile_last_result",
    help: "Result of the last reconcile: 1 for the current result, 0 for the others.",
    labelNames: ["result"],
    registers,
    collect() {
      const result = getSyncStatus(db).last_result;
      for (const r of ["applied", "unchanged", "invalid", "error"]) this.set({ result: r }, r === result ? 1 : 0);
    },
  });

  new Gauge({
    name: "nexaas_reconcile_last_applied_timestamp_seconds",
    help: "When the last revision was applied, in seconds since the epoch (0 before the first apply).",
    registers,
    collect() {
      const at = getSyncStatus(db).last_applied_at;
      this.set(at ? Date.parse(at) / 1000 : 0);
    },
  });

  new Gauge({
    name: "nexaas_reconcile_last_attempt_timestamp_seconds",
    help: "When a revision was last tried, in seconds since the epoch (0 before the first).",
    registers,
    collect() {
      const at = getSyncStatus(db).last_attempted_at;
      this.set(at ? Date.parse(at) / 1000 : 0);
    },
  });

  new Gauge({
    name: "nexaas_reconcile_errors",
    help: "Errors of the last reconcile attempt (0 when it succeeded).",
    registers,
    collect() {
      this.set(getSyncStatus(db).errors.length);
    },
  });

  new Gauge({
    name: "nexaas_events",
    help: "Applied events, by condition type.",
    labelNames: ["condition"],
    registers,
    collect() {
      this.reset();
      for (const row of rows<{ condition_type: string; n: number }>(db, "SELECT condition_type, count(*) AS n FROM events GROUP BY condition_type")) {
        this.set({ condition: row.condition_type }, row.n);
      }
    },
  });

  new Gauge({
    name: "nexaas_paused_events",
    help: "Events paused (after failures or by hand).",
    registers,
    collect() {
      this.set(prepared<[], number>(db, "SELECT count(*) FROM events WHERE paused = 1").pluck().get() ?? 0);
    },
  });

  return registry;
}

const rows = <T>(db: Database, sql: string): T[] => prepared<[], T>(db, sql).all();

interface SqlHistogramOptions {
  name: string;
  help: string;
  label: string;
  buckets: number[];
  /** A query with columns `label` and `v` (the observed value), one row per observation. */
  from: string;
}

/**
 * A histogram whose buckets are counted by SQLite at scrape time, instead of
 * observed one by one in this process: the runs are in the database, and one
 * aggregate query is cheaper than replaying every row into prom-client.
 */
class SqlHistogram extends Histogram<string> {
  private readonly sql: string;
  private readonly bounds: number[];
  private readonly label: string;
  private readonly metricName: string;
  private readonly metricHelp: string;

  constructor(
    private readonly db: Database,
    options: SqlHistogramOptions,
  ) {
    super({ name: options.name, help: options.help, labelNames: [options.label], buckets: options.buckets, registers: [] });
    this.bounds = options.buckets;
    this.label = options.label;
    this.metricName = options.name;
    this.metricHelp = options.help;
    const counts = options.buckets.map((b, i) => `sum(v <= ${b}) AS b${i}`).join(", ");
    this.sql = `SELECT label, ${counts}, count(*) AS n, total(v) AS s FROM (${options.from}) GROUP BY label ORDER BY label`;
  }

  /** What the registry prints (prom-client's Histogram prints from this, not from get()). */
  async getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return this.get();
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: MetricValueWithName<string>[] = [];
    for (const row of rows<Record<string, number | string | null>>(this.db, this.sql)) {
      const labels = { [this.label]: String(row.label ?? "") };
      this.bounds.forEach((le, i) => values.push({ metricName: `${this.metricName}_bucket`, labels: { ...labels, le }, value: Number(row[`b${i}`] ?? 0) }));
      values.push({ metricName: `${this.metricName}_bucket`, labels: { ...labels, le: "+Inf" }, value: Number(row.n) });
      values.push({ metricName: `${this.metricName}_sum`, labels, value: Number(row.s) });
      values.push({ metricName: `${this.metricName}_count`, labels, value: Number(row.n) });
    }
    // prom-client's typings declare MetricType a numeric enum; at run time (and in the text format) it is the string.
    return { name: this.metricName, help: this.metricHelp, type: "histogram" as unknown as MetricType, aggregator: "sum", collect: () => {}, values };
  }
}
