import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { activeJobs } from "../queue/queue-depth.js";
import type { EndedRun } from "../store/ended-run.js";
import { activeRunCounts, eventsByCondition, pausedEventCount, usageTotals } from "../store/metric-counts.js";
import type { Sql } from "../store/sql/sql.js";
import { StoreHealth } from "../store/store-health.js";
import { getSyncStatus } from "../store/sync-status.js";
import { registerToolCallMetrics } from "./tool-call-metrics.js";

/** Run durations, in seconds. */
export const durationBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
/** How late a scheduled run started, in seconds. */
export const latenessBuckets = [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600];

const endedStatuses = ["success", "failed"] as const;
type EndedStatus = (typeof endedStatuses)[number];

/**
 * Every Nexaas metric (GET /metrics), in a Registry of its own (never
 * prom-client's global one). A scrape costs the number of series, never the
 * history:
 *   - what happens in this process is observed as it happens: runs as they end
 *     (controller.ts feeds `runEnded` from the worker pool), reconciles as they
 *     finish. These start from zero with the process, as Prometheus expects of
 *     counters and histograms (a restart is a counter reset, which rate() and
 *     increase() handle); they are not replayed from history, which would make
 *     each restart look like a burst of past runs;
 *   - what the store holds now is read from indexes or small tables: runs and
 *     jobs waiting or running, events and pauses, token usage totals (kept by a
 *     trigger as each call is recorded), the reconcile status row;
 *   - tool calls, which workers write to run_steps (maybe in another process),
 *     are read at each scrape from where the last one stopped, by primary key
 *     (tool-call-metrics.ts): the steps written since, never the history.
 * Retention deletes old rows, never a count here.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  /** Runs that ended since this process started, by event and status. */
  private readonly ended = new Map<string, Map<EndedStatus, number>>();
  private cancelledJobs = 0;
  private readonly durations: Histogram<"event">;
  private readonly lateness: Histogram<"trigger">;
  private readonly reconciles: Histogram<"result">;
  private readonly leader: Gauge;

  constructor(sql: Sql, now: () => Date, health: StoreHealth = new StoreHealth()) {
    const registers = [this.registry];
    // A scrape collects every metric at once: metrics that show parts of one read share it.
    const syncStatus = shared(() => getSyncStatus(sql));
    const jobs = shared(() => activeJobs(sql, now()));
    const usage = shared(() => usageTotals(sql));

    // The store's faults as the controller saw them (it retries transient ones until they clear).
    new Counter({
      name: "nexaas_store_errors_total",
      help: "Store faults seen by the controller, by code (SQLITE_BUSY, SQLITE_FULL, SQLITE_IOERR..., file-deleted, lock-lost).",
      labelNames: ["code"],
      registers,
      collect() {
        this.reset();
        for (const [code, n] of health.counts) this.inc({ code }, n);
      },
    });
    new Gauge({
      name: "nexaas_store_healthy",
      help: "1 while the store takes writes, 0 during a fault (what /api/health answers 503 for).",
      registers,
      collect() {
        this.set(health.fault ? 0 : 1);
      },
    });
    // Controllers sharing a PostgreSQL database: which one leads (a follower still works and serves).
    this.leader = new Gauge({
      name: "nexaas_leader",
      help: "1 while this controller reconciles and schedules (SQLite's owner, or PostgreSQL's elected leader), 0 while it follows.",
      registers,
    });
    this.leader.set(0);
    // collect() runs with the metric as `this`; these read this object's observations.
    const ended = () => this.ended;
    const endedTotal = (status: EndedStatus) => this.endedTotal(status);
    const cancelledJobs = () => this.cancelledJobs;

    new Gauge({
      name: "nexaas_runs",
      help: "Runs by event and status: queued and running ones now; success and failed, the runs that ended so since the controller started.",
      labelNames: ["event", "status"],
      registers,
      async collect() {
        const rows = await activeRunCounts(sql);
        this.reset();
        for (const row of rows) this.set({ event: row.event_id, status: row.status }, row.n);
        for (const [event, counts] of ended()) for (const [status, n] of counts) this.set({ event, status }, n);
      },
    });

    this.durations = new Histogram({
      name: "nexaas_run_duration_seconds",
      help: "Duration of runs that ended (success or failed, after their retries), by event.",
      labelNames: ["event"],
      buckets: durationBuckets,
      registers,
    });

    this.lateness = new Histogram({
      name: "nexaas_schedule_lateness_seconds",
      help: "How long after its scheduled time a schedule or catch-up run started (its last attempt), by trigger; observed when the run ends.",
      labelNames: ["trigger"],
      buckets: latenessBuckets,
      registers,
    });

    new Gauge({
      name: "nexaas_queue_jobs",
      help: "Jobs by state: queued and running ones now; success, failed and cancelled, the jobs that ended so since the controller started.",
      labelNames: ["state"],
      registers,
      async collect() {
        const active = await jobs();
        this.set({ state: "queued" }, active.queued);
        this.set({ state: "running" }, active.running);
        for (const status of endedStatuses) this.set({ state: status }, endedTotal(status));
        this.set({ state: "cancelled" }, cancelledJobs());
      },
    });

    new Gauge({
      name: "nexaas_queue_ready_jobs",
      help: "Queued jobs whose run_at has passed (claimable now).",
      registers,
      async collect() {
        this.set((await jobs()).ready);
      },
    });

    const tokenTypes = [
      ["input", "input_tokens"],
      ["output", "output_tokens"],
      ["cache_creation", "cache_creation_input_tokens"],
      ["cache_read", "cache_read_input_tokens"],
    ] as const;
    new Counter({
      name: "nexaas_tokens_total",
      help: "Tokens used by model calls, by model and type (input, output, cache_creation, cache_read).",
      labelNames: ["model", "type"],
      registers,
      async collect() {
        const rows = await usage();
        this.reset();
        for (const row of rows) for (const [type, column] of tokenTypes) this.inc({ model: row.model, type }, row[column]);
      },
    });

    new Counter({
      name: "nexaas_cost_usd_total",
      help: "Cost of model calls in US dollars, by model (calls of unpriced models count nothing).",
      labelNames: ["model"],
      registers,
      async collect() {
        const rows = await usage();
        this.reset();
        for (const row of rows) this.inc({ model: row.model }, row.cost_usd);
      },
    });

    new Counter({
      name: "nexaas_model_calls_total",
      help: "Model calls recorded in token_usage, by model.",
      labelNames: ["model"],
      registers,
      async collect() {
        const rows = await usage();
        this.reset();
        for (const row of rows) this.inc({ model: row.model }, row.calls);
      },
    });

    this.reconciles = new Histogram({
      name: "nexaas_reconcile_duration_seconds",
      help: "Reconciles by result (applied, unchanged, invalid) and how long each took.",
      labelNames: ["result"],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });

    new Gauge({
      name: "nexaas_last_applied_revision_info",
      help: "The revision last applied (value 1; absent before the first apply).",
      labelNames: ["revision"],
      registers,
      async collect() {
        const revision = (await syncStatus()).last_applied_revision;
        this.reset();
        if (revision) this.set({ revision }, 1);
      },
    });

    new Gauge({
      name: "nexaas_reconcile_last_result",
      help: "Result of the last reconcile: 1 for the current result, 0 for the others.",
      labelNames: ["result"],
      registers,
      async collect() {
        const result = (await syncStatus()).last_result;
        for (const r of ["applied", "unchanged", "invalid", "error"]) this.set({ result: r }, r === result ? 1 : 0);
      },
    });

    new Gauge({
      name: "nexaas_reconcile_last_applied_timestamp_seconds",
      help: "When the last revision was applied, in seconds since the epoch (0 before the first apply).",
      registers,
      async collect() {
        const at = (await syncStatus()).last_applied_at;
        this.set(at ? Date.parse(at) / 1000 : 0);
      },
    });

    new Gauge({
      name: "nexaas_reconcile_last_attempt_timestamp_seconds",
      help: "When a revision was last tried, in seconds since the epoch (0 before the first).",
      registers,
      async collect() {
        const at = (await syncStatus()).last_attempted_at;
        this.set(at ? Date.parse(at) / 1000 : 0);
      },
    });

    new Gauge({
      name: "nexaas_reconcile_errors",
      help: "Errors of the last reconcile attempt (0 when it succeeded).",
      registers,
      async collect() {
        this.set((await syncStatus()).errors.length);
      },
    });

    new Gauge({
      name: "nexaas_events",
      help: "Applied events, by condition type.",
      labelNames: ["condition"],
      registers,
      async collect() {
        const rows = await eventsByCondition(sql);
        this.reset();
        for (const row of rows) this.set({ condition: row.condition_type }, row.n);
      },
    });

    new Gauge({
      name: "nexaas_paused_events",
      help: "Events paused (after failures or by hand).",
      registers,
      async collect() {
        this.set(await pausedEventCount(sql));
      },
    });

    registerToolCallMetrics(sql, registers);
  }
  /** The controller leads (it reconciles and schedules) or follows. */
  leading(leads: boolean): void {
    this.leader.set(leads ? 1 : 0);
  }


  /** A run ended for good (success, or failed after its retries): read from its row when the pool reported it. */
  runEnded(run: EndedRun): void {
    if (run.status !== "success" && run.status !== "failed") return;
    this.countEnded(run.event_id, run.status);
    if (run.duration_ms !== null) this.durations.observe({ event: run.event_id }, run.duration_ms / 1000);
    if ((run.trigger === "schedule" || run.trigger === "catchup") && run.started_at !== null) {
      const late = (Date.parse(run.started_at) - Date.parse(run.scheduled_for)) / 1000;
      this.lateness.observe({ trigger: run.trigger }, Math.max(0, late));
    }
  }

  /** A run failed for good because its worker lost the lease on its last attempt (no duration to observe). */
  runLost(eventId: string): void {
    this.countEnded(eventId, "failed");
  }

  /** A reconcile finished; `cancelledJobs` are the queued jobs of removed events that it cancelled. */
  reconciled(result: string, seconds: number, cancelledJobs = 0): void {
    this.reconciles.observe({ result }, seconds);
    this.cancelledJobs += cancelledJobs;
  }

  /** The Prometheus text of every metric. */
  async scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private countEnded(event: string, status: EndedStatus): void {
    let counts = this.ended.get(event);
    if (!counts) this.ended.set(event, (counts = new Map<EndedStatus, number>()));
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }

  private endedTotal(status: EndedStatus): number {
    let total = 0;
    for (const counts of this.ended.values()) total += counts.get(status) ?? 0;
    return total;
  }
}

/**
 * `read` shared by the callers that ask while it is under way (the metrics of one
 * scrape), read anew once it settled (by the next scrape).
 */
function shared<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending) return pending;
    const reading = read().finally(() => {
      if (pending === reading) pending = undefined;
    });
    pending = reading;
    return reading;
  };
}
